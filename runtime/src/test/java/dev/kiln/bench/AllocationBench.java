package dev.kiln.bench;

import dev.kiln.data.Dataset;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.AllocatedBytes;
import dev.kiln.train.Trainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        TrainingSpec spec = TrainingSpec.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        Path cache = Path.of(args[1]);
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Dataset data = new DatasetCatalog(cache, s -> { }).load(spec.data().name());
        ImageSet train = spec.data().trainLimit() > 0 ? data.train().head(spec.data().trainLimit()) : data.train();
        try (Parallel parallel = new Parallel(spec.threads())) {
            Compute compute = new Compute(KernelProvider.get(System.out::println), parallel);
            Network net = Network.build(compute, spec.layers(), new int[] {1, train.rows(), train.cols()},
                    data.numClasses(), spec.data().inputMean(), spec.data().inputStd(), spec.seed());
            Optimizer optimizer = Optimizer.create(spec.optimizer(), net.parameters(), compute);
            Trainer trainer = new Trainer(net, optimizer, spec.batchSize(), spec.seed());
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
