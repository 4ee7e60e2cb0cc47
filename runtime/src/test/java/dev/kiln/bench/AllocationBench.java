package dev.kiln.bench;

import dev.kiln.data.ImageSet;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.AllocatedBytes;
import dev.kiln.train.Trainer;

import java.util.Locale;

/**
 * Heap allocated per training batch in steady state, over all threads (the worker pool's
 * included): builds the network of a spec file as {@code TrainingJob} does, trains
 * {@code warmup} epochs on the spec's training images (data.trainLimit), then measures each of
 * {@code epochs} more epochs with {@link AllocatedBytes}. Only {@link Trainer#trainEpoch} runs
 * between two readings: no data loading, no evaluation. Not a unit test.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes
 * dev.kiln.bench.AllocationBench <spec.properties> <dataset-cache> [warmupEpochs=3] [epochs=3]}
 */
public final class AllocationBench {

    private AllocationBench() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = SpecNetwork.spec(args[0]);
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        try (SpecNetwork model = new SpecNetwork(spec, SpecNetwork.dataset(spec, args[1]), spec.threads(), System.out::println)) {
            ImageSet train = model.train;
            Trainer trainer = model.trainer();
            int batches = (train.count() + spec.batchSize() - 1) / spec.batchSize();
            System.out.printf(Locale.ROOT, "%s: %d images, batch %d (%d batches/epoch), %d threads%n",
                    spec.modelName(), train.count(), spec.batchSize(), batches, spec.threads());
            for (int e = 1; e <= warmup + epochs; e++) {
                long b0 = AllocatedBytes.total();
                long t0 = System.nanoTime();
                trainer.trainEpoch(train, e);
                long t1 = System.nanoTime();
                long bytes = AllocatedBytes.total() - b0;
                double s = (t1 - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%s epoch %d: %,d bytes, %,.0f bytes/batch, %.2f MB/s, %.2f s%n",
                        e <= warmup ? "warm-up" : "measured", e, bytes, (double) bytes / batches, bytes / s / 1e6, s);
            }
        }
    }
}
