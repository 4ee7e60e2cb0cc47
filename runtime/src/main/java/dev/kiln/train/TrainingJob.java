package dev.kiln.train;

import dev.kiln.KilnVersion;
import dev.kiln.data.Dataset;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxExporter;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
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
 * One whole run: load data, build the network, train, evaluate, export {@code <name>.onnx} and
 * write {@code <name>.json} into the output folder, both atomically. Used in-process by the plugin
 * and by the forked trainer ({@link dev.kiln.cli.TrainMain}).
 */
public final class TrainingJob {

    /** Evaluation batch: larger than training batches because no gradients are kept. */
    private static final int EVAL_BATCH = 500;

    /** At most one in-epoch progress line per this much time: frequent enough to see life, rare enough to read. */
    private static final long PROGRESS_INTERVAL_NANOS = 10_000_000_000L;

    private TrainingJob() {
    }

    /**
     * @param spec         the spec; validated here
     * @param outputDir    where {@code <name>.onnx} and {@code <name>.json} go
     * @param datasetCache the dataset cache folder
     * @throws dev.kiln.spec.SpecException     for a bad spec
     * @throws dev.kiln.data.DatasetException  for missing or bad data
     * @throws DivergenceException             when the loss stops being finite
     */
    public static TrainingResult run(TrainingSpec spec, Path outputDir, Path datasetCache, TrainingListener listener) {
        spec.validate();
        Path model = outputDir.resolve(spec.modelName() + ".onnx");
        Path report = outputDir.resolve(spec.modelName() + ".json");
        Path html = outputDir.resolve(spec.modelName() + ".html");
        try {
            Files.createDirectories(outputDir);
            // A stale model from an earlier run must never pass for this run's result.
            Files.deleteIfExists(model);
            Files.deleteIfExists(report);
            Files.deleteIfExists(html);
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
            Optimizer optimizer = Optimizer.create(spec.optimizer(), net.parameters(), compute);
            Trainer trainer = new Trainer(net, optimizer, spec.batchSize(), spec.seed());
            long paramCount = net.parameters().stream().mapToLong(p -> p.size()).sum();
            listener.log(String.format(Locale.ROOT,
                    "Training %s: %d layers, %d parameters, %s lr %s (%s), batch %d, %d epochs, %d threads, seed %d",
                    spec.modelName(), spec.layers().size(), paramCount, spec.optimizer().name(),
                    spec.optimizer().learningRate(), spec.optimizer().schedule(), spec.batchSize(), spec.epochs(), spec.threads(), spec.seed()));

            List<EpochStats> epochs = new ArrayList<>();
            Evaluation eval = null;
            EpochProgress progress = EpochProgress.every(PROGRESS_INTERVAL_NANOS, spec.epochs(), System::nanoTime,
                    listener::log);
            for (int e = 1; e <= spec.epochs(); e++) {
                optimizer.learningRate(spec.optimizer().rateAt(e, spec.epochs()));
                long t0 = System.nanoTime();
                double trainLoss = trainer.trainEpoch(train, e, progress);
                double seconds = (System.nanoTime() - t0) / 1e9;
                eval = Evaluation.of(net, test, EVAL_BATCH);
                EpochStats stats = new EpochStats(e, seconds, train.count() / seconds, trainLoss,
                        eval.loss(), eval.accuracy());
                epochs.add(stats);
                listener.log(stats.line(spec.epochs()));
                listener.epochEnded(stats);
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
            return result;
        }
    }

    private static Dataset load(DataSpec d, Path cache, TrainingListener listener) {
        if (d.ownFiles()) {
            return DatasetCatalog.loadFiles(d.name(), Path.of(d.trainImages()), Path.of(d.trainLabels()),
                    Path.of(d.testImages()), Path.of(d.testLabels()), 10);
        }
        return new DatasetCatalog(cache, listener::log).load(d.name());
    }
}
