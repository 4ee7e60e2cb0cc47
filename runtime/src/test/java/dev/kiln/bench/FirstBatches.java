package dev.kiln.bench;

import dev.kiln.data.Dataset;
import dev.kiln.spec.TrainingSpec;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.Locale;

/**
 * The first batches of a fresh JVM, layer by layer: milliseconds for loading the input, each
 * layer's forward pass, backward pass and update, and the loss, for each of the first
 * {@code batches} batches, with the JVM's uptime when each batch began and ended (the time base
 * of {@code -XX:+PrintCompilation}, to see which compile each part waited for). Every batch runs
 * on the spec's whole pool, unlike {@code Trainer}'s first batches ({@link WarmupCurve}). Lines
 * are printed at the end, so that printing does not perturb the batches. Not a unit test.
 *
 * <p>{@code java --add-modules jdk.incubator.vector $(java -cp runtime/target/classes dev.kiln.cli.TrainerJvmOptions target)
 * -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar> dev.kiln.bench.FirstBatches
 * <spec.properties> <dataset-cache> [batches=3]}
 */
public final class FirstBatches {

    private FirstBatches() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = SpecNetwork.spec(args[0]);
        Dataset data = SpecNetwork.dataset(spec, args[1]);
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        RuntimeMXBean jvm = ManagementFactory.getRuntimeMXBean();
        StringBuilder out = new StringBuilder();
        try (TimedStep step = new TimedStep(new SpecNetwork(spec, data, spec.threads(), s -> { }))) {
            for (int b = 1; b <= batches; b++) {
                step.resetTimers();
                long up = jvm.getUptime();
                long t0 = System.nanoTime();
                step.run(1);
                double ms = (System.nanoTime() - t0) / 1e6;
                out.append(String.format(Locale.ROOT, "batch %d (uptime %d..%d ms): %.1f ms  input %.1f",
                        b, up, jvm.getUptime(), ms, step.inputMillis()));
                for (int i = 0; i < step.hiddenLayers(); i++) {
                    out.append(String.format(Locale.ROOT, " | %s f%.1f b%.1f u%.1f", step.layerName(i),
                            step.forwardMillis(i), step.backwardMillis(i), step.updateMillis(i)));
                }
                out.append(String.format(Locale.ROOT, " | loss %.1f%n", step.lossMillis()));
            }
        }
        System.out.print(out);
    }
}
