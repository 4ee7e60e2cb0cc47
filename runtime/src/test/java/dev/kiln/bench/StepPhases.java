package dev.kiln.bench;

import dev.kiln.data.Dataset;
import dev.kiln.spec.TrainingSpec;

import java.util.Locale;

/**
 * Where a training step's time goes: milliseconds per batch for loading the input, each layer's
 * forward pass, backward pass and optimizer update, and the loss, in steady state (a first round of
 * {@code batches} batches warms the JIT up and is reported separately). Builds the network of a
 * spec file as {@code TrainingJob} does and runs the same calls as {@code Trainer}, layer by
 * layer, on the spec's training images ({@link TimedStep}). Not a unit test.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar>
 * dev.kiln.bench.StepPhases <spec.properties> <dataset-cache> [batches=200]} (threads and batch
 * size from the spec).
 */
public final class StepPhases {

    private StepPhases() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = SpecNetwork.spec(args[0]);
        Dataset data = SpecNetwork.dataset(spec, args[1]);
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        try (TimedStep step = new TimedStep(new SpecNetwork(spec, data, spec.threads(), System.out::println))) {
            step.run(batches);
            System.out.println(step.summary("warm-up round (JIT compiling)"));
            step.resetTimers();
            step.run(batches);
            System.out.println(step.summary("steady state"));
            System.out.printf(Locale.ROOT, "  %-12s %8.3f ms%n", "input", step.inputMillis());
            for (int i = 0; i < step.hiddenLayers(); i++) {
                System.out.printf(Locale.ROOT, "  %-12s forward %8.3f ms  backward %8.3f ms  update %8.3f ms%n",
                        step.layerName(i), step.forwardMillis(i), step.backwardMillis(i), step.updateMillis(i));
            }
            System.out.printf(Locale.ROOT, "  %-12s %8.3f ms%n  %-12s %8.3f ms%n", "loss", step.lossMillis(),
                    "step start", step.stepStartMillis());
        }
    }
}
