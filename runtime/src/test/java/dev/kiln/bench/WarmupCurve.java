package dev.kiln.bench;

import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.Trainer;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The first epoch batch by batch: milliseconds per batch over each window of batches, the time
 * since the epoch began and the JIT's accumulated compile time, through {@link Trainer} as the
 * forked trainer runs it (first batches on one thread while the JIT is busy). Shows how long the
 * JIT's warm-up lasts and what it costs against the steady state, which is most of the gap
 * between a one-epoch run and the steady state. Lines are printed after the epoch, so that
 * printing does not perturb it.
 *
 * <p>{@code java --add-modules jdk.incubator.vector $(java -cp runtime/target/classes dev.kiln.cli.TrainerJvmOptions target)
 * -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar> dev.kiln.bench.WarmupCurve
 * <spec.properties> <dataset-cache> [window=20] [--all-threads]}: {@code --all-threads} runs every
 * batch on the whole pool. Threads, batch size and image limit from the spec. Not a unit test.
 */
public final class WarmupCurve {

    private WarmupCurve() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = SpecNetwork.spec(args[0]);
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean allThreads = args.length > 3 && args[3].equals("--all-threads");
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        try (SpecNetwork model = new SpecNetwork(spec, SpecNetwork.dataset(spec, args[1]), spec.threads(), s -> { })) {
            Trainer trainer = model.trainer();
            if (!allThreads) {
                trainer.leaveCoresToJit(model.parallel);
            }
            StringBuilder lines = new StringBuilder();
            long compileAtStart = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            long[] windowStart = {start};
            double loss = trainer.trainEpoch(model.train, 1, (epoch, batch, batches, images, runningLoss) -> {
                if (batch % window == 0 || batch == batches) {
                    long now = System.nanoTime();
                    int inWindow = batch % window == 0 ? window : batch % window;
                    lines.append(String.format(Locale.ROOT, "batches %5d-%-5d %8.2f ms per batch, at %7.2f s, compiled %6d ms%n",
                            batch - inWindow + 1, batch, (now - windowStart[0]) / 1e6 / inWindow, (now - start) / 1e9,
                            jit.getTotalCompilationTime() - compileAtStart));
                    windowStart[0] = now;
                }
            });
            System.out.print(lines);
            System.out.printf(Locale.ROOT, "epoch: %.2f s, %d threads%s, train loss %.4f%n", (System.nanoTime() - start) / 1e9,
                    spec.threads(), allThreads ? " from the first batch" : "", loss);
        }
    }
}
