package dev.kiln.train;

import dev.kiln.KilnVersion;
import dev.kiln.data.Dataset;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxExporter;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.report.AtomicFiles;
import dev.kiln.report.HtmlReport;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.TrainingSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One whole run: load data, build the network, check the heap suffices ({@link MemoryEstimate}),
 * train, evaluate, export {@code <name>.onnx} and write {@code <name>.html} and {@code <name>.json}
 * into the output folder, each atomically. Used in-process by the plugin and by the forked trainer
 * ({@link dev.kiln.cli.TrainMain}).
 *
 * <p>After each epoch the run writes {@code <name>.ckpt} ({@link Checkpoint}); a run with
 * {@link Options#resume()} continues from it. The checkpoint is deleted once the outputs are
 * written: a finished run has nothing left to resume.
 */
public final class TrainingJob {

    /**
     * How to run.
     *
     * @param resume  continue from {@code <name>.ckpt} when there is one (else start from epoch 1)
     * @param maxHeap the heap to check the estimate against, in bytes; {@code <= 0} for
     *                {@link Runtime#maxMemory()}
     */
    public record Options(boolean resume, long maxHeap) {

        /** Fresh run, checked against the real heap. */
        public static final Options DEFAULT = new Options(false, 0);

        /** These options with {@code resume} set. */
        public Options withResume(boolean r) {
            return new Options(r, maxHeap);
        }

        /** These options checked against {@code bytes} of heap instead of the real one (tests). */
        public Options withMaxHeap(long bytes) {
            return new Options(resume, bytes);
        }
    }

    /** Evaluation batch: larger than training batches because no gradients are kept. */
    private static final int EVAL_BATCH = 500;

    /** At most one in-epoch progress line per this much time: frequent enough to see life, rare enough to read. */
    private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    private TrainingJob() {
    }

    /** A fresh run with {@link Options#DEFAULT}. */
    public static TrainingResult run(TrainingSpec spec, Path outputDir, Path datasetCache, TrainingListener listener) {
        return run(spec, outputDir, datasetCache, listener, Options.DEFAULT);
    }

    /**
     * @param spec         the spec; validated here
     * @param outputDir    where {@code <name>.onnx} and {@code <name>.json} go
     * @param datasetCache the dataset cache folder
     * @throws dev.kiln.spec.SpecException     for a bad spec
     * @throws dev.kiln.data.DatasetException  for missing or bad data
     * @throws InsufficientMemoryException     when the heap is clearly too small, before training
     * @throws CheckpointException             when resuming from a corrupt or foreign checkpoint
     * @throws DivergenceException             when the loss stops being finite
     */
    public static TrainingResult run(TrainingSpec spec, Path outputDir, Path datasetCache, TrainingListener listener,
                                     Options options) {
        spec.validate();
        Path model = outputDir.resolve(spec.modelName() + ".onnx");
        Path report = outputDir.resolve(spec.modelName() + ".json");
        Path html = outputDir.resolve(spec.modelName() + ".html");
        Path checkpoint = Checkpoint.file(outputDir, spec.modelName());
        try {
            Files.createDirectories(outputDir);
            // A stale model from an earlier run must never pass for this run's result.
            Files.deleteIfExists(model);
            Files.deleteIfExists(report);
            Files.deleteIfExists(html);
            // temp files of a killed earlier run; they end in .tmp, so they only cost space
            for (Path p : List.of(model, report, html, checkpoint)) {
                AtomicFiles.deleteLeftovers(outputDir, p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare output folder " + outputDir + ": " + e.getMessage(), e);
        }
        // hashed before loading, so the record describes the bytes this run read
        Provenance provenance = Provenance.of(spec.data());
        Dataset data = load(spec.data(), datasetCache, listener);
        ImageSet train = spec.data().trainLimit() > 0 && spec.data().trainLimit() < data.train().count()
                ? data.train().head(spec.data().trainLimit()) : data.train();
        ImageSet test = data.test();
        listener.log(String.format(Locale.ROOT, "Dataset %s: %d training and %d test images of %dx%d, %d classes",
                data.name(), train.count(), test.count(), train.rows(), train.cols(), data.numClasses()));

        try (Parallel parallel = new Parallel(spec.threads())) {
            Compute compute = new Compute(KernelProvider.get(listener::log), parallel);
            Network net = Network.build(compute, spec.layers(), new int[] {1, train.rows(), train.cols()},
                    data.numClasses(), spec.data().inputMean(), spec.data().inputStd(), spec.seed());
            checkMemory(spec, net, compute.kernels(), train, test, options, listener);
            Optimizer optimizer = Optimizer.create(spec.optimizer(), net.parameters(), compute);
            Trainer trainer = new Trainer(net, optimizer, spec.batchSize(), spec.seed());
            trainer.leaveCoresToJit(parallel);
            long paramCount = net.parameters().stream().mapToLong(p -> p.size()).sum();
            listener.log(String.format(Locale.ROOT,
                    "Training %s: %d layers, %d parameters, %s lr %s (%s), batch %d, %d epochs, %d threads, seed %d",
                    spec.modelName(), spec.layers().size(), paramCount, spec.optimizer().name(),
                    spec.optimizer().learningRate(), spec.optimizer().schedule(), spec.batchSize(), spec.epochs(), spec.threads(), spec.seed()));

            List<EpochStats> epochs = new ArrayList<>();
            int first = 1;
            if (options.resume()) {
                first = resume(spec, provenance, compute.kernels().name(), checkpoint, net, optimizer, epochs, listener);
            }
            Evaluation eval = null;
            EpochProgress progress = EpochProgress.every(PROGRESS_INTERVAL_NANOS, spec.epochs(), System::nanoTime,
                    listener::log);
            for (int e = first; e <= spec.epochs(); e++) {
                optimizer.learningRate(spec.optimizer().rateAt(e, spec.epochs()));
                long t0 = System.nanoTime();
                double trainLoss = trainer.trainEpoch(train, e, progress);
                double seconds = (System.nanoTime() - t0) / 1e9;
                eval = Evaluation.of(net, test, EVAL_BATCH);
                EpochStats stats = new EpochStats(e, seconds, train.count() / seconds, trainLoss,
                        eval.loss(), eval.accuracy());
                epochs.add(stats);
                try {
                    // before anyone hears of the epoch: a run killed after the line resumes after it
                    Checkpoint.write(checkpoint, spec.fingerprint(), spec.canonicalModelText(), KilnVersion.get(),
                            compute.kernels().name(), provenance.datasetSha256(), e, net, optimizer, epochs);
                } catch (IOException ex) {
                    throw new UncheckedIOException("Cannot write the checkpoint " + checkpoint + ": " + ex.getMessage(), ex);
                }
                listener.log(stats.line(spec.epochs()));
                listener.epochEnded(stats);
            }
            if (eval == null) {
                // resumed from the last epoch's checkpoint (killed while exporting): nothing to train
                eval = Evaluation.of(net, test, EVAL_BATCH);
            }

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("kiln.version", KilnVersion.get());
            metadata.put("kiln.dataset", data.name());
            metadata.put("kiln.testAccuracy", Double.toString(eval.accuracy()));
            metadata.put("kiln.seed", Long.toString(spec.seed()));
            try {
                OnnxExporter.export(net, spec, metadata, model);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the model " + model + ": " + e.getMessage(), e);
            }
            TrainingResult result = new TrainingResult(spec.modelName(), model, report, data.name(),
                    eval.accuracy(), eval.loss(), spec.threads(), spec.seed(), compute.kernels().name(),
                    spec.fingerprint(), eval.confusion(), epochs, provenance);
            // the page before the JSON report: a run that fails writing it leaves no report, so it is not up to date
            HtmlReport.write(html, result, spec.toText(), test, Predictions.of(net, test, EVAL_BATCH));
            JsonReport.write(result, report);
            listener.log("Wrote " + model + ", " + report + " and " + html);
            try {
                Files.deleteIfExists(checkpoint);
            } catch (IOException e) {
                // the outputs are complete; a leftover checkpoint only costs space
                listener.log("Could not delete the checkpoint " + checkpoint + ": " + e.getMessage());
            }
            return result;
        }
    }

    /** Fails before the big allocations when the heap cannot hold the run. */
    private static void checkMemory(TrainingSpec spec, Network net, Kernels kernels, ImageSet train, ImageSet test,
                                    Options options, TrainingListener listener) {
        long datasetBytes = (long) train.pixels().length + train.labels().length + test.pixels().length
                + test.labels().length;
        MemoryEstimate estimate = MemoryEstimate.of(net, spec.optimizer().name(), spec.batchSize(), EVAL_BATCH,
                kernels, spec.threads(), datasetBytes, test.count());
        long heap = options.maxHeap() > 0 ? options.maxHeap() : Runtime.getRuntime().maxMemory();
        listener.log(String.format(Locale.ROOT, "Memory: about %s needed, heap %s (%s)",
                MemoryEstimate.mib(estimate.total()), MemoryEstimate.mib(heap), estimate.parts()));
        if (!"false".equalsIgnoreCase(System.getProperty(MemoryEstimate.DISABLE_PROPERTY))) {
            estimate.check(heap);
        }
    }

    /**
     * Restores the run from {@code file} when it exists and returns the first epoch still to
     * train (1 when there is no checkpoint).
     */
    private static int resume(TrainingSpec spec, Provenance provenance, String kernels, Path file, Network net,
                              Optimizer optimizer, List<EpochStats> epochs, TrainingListener listener) {
        if (!Files.isRegularFile(file)) {
            listener.log("No checkpoint at " + file + "; training from the first epoch");
            return 1;
        }
        Checkpoint c = Checkpoint.read(file);
        String mismatch = c.mismatch(spec.fingerprint(), spec.canonicalModelText(), provenance.datasetSha256(),
                KilnVersion.get());
        if (mismatch != null) {
            throw new CheckpointException("Cannot resume from the checkpoint " + file + ": " + mismatch
                    + ". Delete it to train from the start, or run without resume.");
        }
        if (c.epoch() < 1 || c.epoch() > spec.epochs() || c.epochs().size() != c.epoch()) {
            throw new CheckpointException("Cannot resume from the checkpoint " + file + ": it records epoch "
                    + c.epoch() + " with " + c.epochs().size() + " epoch results, of " + spec.epochs() + " epochs");
        }
        c.restore(net, optimizer, file);
        epochs.addAll(c.epochs());
        if (!c.kernels().equals(kernels)) {
            listener.log("Warning: the checkpoint was trained with the " + c.kernels() + " kernels, this run uses "
                    + kernels + "; the model will differ from an uninterrupted run in its last bits");
        }
        listener.log(String.format(Locale.ROOT, "Resuming from %s after epoch %d/%d", file, c.epoch(), spec.epochs()));
        return c.epoch() + 1;
    }

    private static Dataset load(DataSpec d, Path cache, TrainingListener listener) {
        if (d.ownFiles()) {
            return DatasetCatalog.loadFiles(d.name(), Path.of(d.trainImages()), Path.of(d.trainLabels()),
                    Path.of(d.testImages()), Path.of(d.testLabels()), 10);
        }
        return new DatasetCatalog(cache, listener::log).load(d.name());
    }
}
