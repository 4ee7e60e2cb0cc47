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
import dev.kiln.train.Trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What the bench tools train: a spec file's network, built as {@code TrainingJob} builds it, with
 * its optimizer on a pool of its own, and the spec's training images (its {@code data.trainLimit}
 * applied). Closing it closes the pool.
 */
final class SpecNetwork implements AutoCloseable {

    final TrainingSpec spec;
    final ImageSet train;
    final Parallel parallel;
    final Network net;
    final Optimizer optimizer;

    /**
     * @param threads the pool's threads (the tools choose; not always the spec's)
     * @param log     receives the kernels' start-up line
     */
    SpecNetwork(TrainingSpec spec, Dataset data, int threads, Consumer<String> log) {
        this.spec = spec;
        train = spec.data().trainLimit() > 0 ? data.train().head(spec.data().trainLimit()) : data.train();
        parallel = new Parallel(threads);
        Compute compute = new Compute(KernelProvider.get(log), parallel);
        net = Network.build(compute, spec.layers(), new int[] {1, train.rows(), train.cols()},
                data.numClasses(), spec.data().inputMean(), spec.data().inputStd(), spec.seed());
        optimizer = Optimizer.create(spec.optimizer(), net.parameters(), compute);
    }

    /** The spec file at {@code file} (the tools' first argument). */
    static TrainingSpec spec(String file) throws IOException {
        return TrainingSpec.parse(Files.readString(Path.of(file), StandardCharsets.UTF_8));
    }

    /** The spec's dataset from the cache folder {@code cache} (the tools' second argument). */
    static Dataset dataset(TrainingSpec spec, String cache) {
        return new DatasetCatalog(Path.of(cache), s -> { }).load(spec.data().name());
    }

    /** A trainer for this network, with the spec's batch size and seed, as the forked trainer makes it. */
    Trainer trainer() {
        return new Trainer(net, optimizer, spec.batchSize(), spec.seed());
    }

    @Override
    public void close() {
        parallel.close();
    }
}
