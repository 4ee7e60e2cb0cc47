package dev.kiln.train;

import dev.kiln.spec.TrainingSpec;

import java.nio.file.Path;

/**
 * One whole run: load data, build the network, train, evaluate, export {@code <name>.onnx} and
 * write {@code <name>.json} into the output folder, both atomically. Used in-process by the plugin
 * and by the forked trainer ({@link dev.kiln.cli.TrainMain}).
 */
public final class TrainingJob {

    private TrainingJob() {
    }

    /**
     * @param spec         a validated spec
     * @param outputDir    where {@code <name>.onnx} and {@code <name>.json} go
     * @param datasetCache the dataset cache folder
     * @throws dev.kiln.spec.SpecException     for a bad spec
     * @throws dev.kiln.data.DatasetException  for missing or bad data
     * @throws DivergenceException             when the loss stops being finite
     */
    public static TrainingResult run(TrainingSpec spec, Path outputDir, Path datasetCache, TrainingListener listener) {
        throw new UnsupportedOperationException("lands with the trainer");
    }
}
