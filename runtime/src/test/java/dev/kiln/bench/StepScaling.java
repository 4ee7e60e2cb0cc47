package dev.kiln.bench;

import dev.kiln.data.Dataset;
import dev.kiln.spec.TrainingSpec;

import java.util.Locale;

/**
 * How a training step scales from 1 thread to the spec's thread count, layer by layer, measured
 * in one JVM: two copies of the spec's network, one on a 1-thread pool and one on a pool of the
 * spec's threads, train in alternating windows of batches, the order flipped every round (AB BA).
 *
 * <p>Why in one JVM: the hosts this is measured on change speed every few seconds, so two
 * separate runs (one per thread count) compare two different machines; alternating windows put
 * both counts through the same spells. The first quarter of the rounds warms the JIT up and is
 * not counted. Both copies see the same batches, and results never depend on the thread count,
 * so at the end their parameters must hold the same bits: the tool checks and says so.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar>
 * dev.kiln.bench.StepScaling <spec.properties> <dataset-cache> [rounds=40] [batches per window=5]}
 * (threads, at least 2, and batch size from the spec). Not a unit test.
 */
public final class StepScaling {

    private StepScaling() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = SpecNetwork.spec(args[0]);
        Dataset data = SpecNetwork.dataset(spec, args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        if (spec.threads() < 2) {
            throw new IllegalArgumentException("the spec's threads is " + spec.threads() + "; expected 2 or more");
        }
        try (TimedStep one = new TimedStep(new SpecNetwork(spec, data, 1, System.out::println));
             TimedStep many = new TimedStep(new SpecNetwork(spec, data, spec.threads(), s -> { }))) {
            int warm = rounds / 4;
            for (int round = 0; round < rounds; round++) {
                if (round == warm) {
                    one.resetTimers();
                    many.resetTimers();
                }
                TimedStep first = round % 2 == 0 ? one : many;
                first.run(window);
                (first == one ? many : one).run(window);
            }
            print(one, many);
            System.out.println("same parameter bits at 1 and " + many.threads() + " threads: "
                    + (one.sameParameters(many) ? "yes" : "NO"));
        }
    }

    private static void print(TimedStep one, TimedStep many) {
        System.out.printf(Locale.ROOT, "step: %.3f ms at 1 thread, %.3f ms at %d: %.2fx (%d batches each, alternating)%n",
                one.stepMillis(), many.stepMillis(), many.threads(), one.stepMillis() / many.stepMillis(), one.batches());
        System.out.printf(Locale.ROOT, "  %-12s %-26s %-26s %-26s%n", "ms, 1T/nT", "forward", "backward", "update");
        for (int i = 0; i < one.hiddenLayers(); i++) {
            System.out.printf(Locale.ROOT, "  %-12s %s %s %s%n", one.layerName(i),
                    cell(one.forwardMillis(i), many.forwardMillis(i)), cell(one.backwardMillis(i), many.backwardMillis(i)),
                    cell(one.updateMillis(i), many.updateMillis(i)));
        }
        System.out.printf(Locale.ROOT, "  %-12s %s%n  %-12s %s%n", "input", cell(one.inputMillis(), many.inputMillis()),
                "loss", cell(one.lossMillis(), many.lossMillis()));
    }

    /** {@code 1-thread / n-thread ms (scaling)}, fixed width. */
    private static String cell(double one, double many) {
        return String.format(Locale.ROOT, "%7.3f /%7.3f (%4.2fx)  ", one, many, many > 0 ? one / many : 0);
    }
}
