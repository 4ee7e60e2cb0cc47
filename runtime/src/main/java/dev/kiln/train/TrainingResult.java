package dev.kiln.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a training run, as recorded in {@code <name>.json}.
 *
 * @param modelName    the model's name
 * @param model        the ONNX file written
 * @param report       the JSON report written
 * @param dataset      dataset name
 * @param testAccuracy final test accuracy
 * @param testLoss     final test loss
 * @param threads      compute threads used
 * @param seed         the run's seed
 * @param kernels      {@code vector} or {@code scalar}
 * @param fingerprint  spec fingerprint
 * @param confusion    confusion matrix {@code [true][predicted]} on the test set
 * @param epochs       per-epoch measurements
 */
public record TrainingResult(String modelName, Path model, Path report, String dataset, double testAccuracy,
                             double testLoss, int threads, long seed, String kernels, String fingerprint,
                             int[][] confusion, List<EpochStats> epochs) {
}
