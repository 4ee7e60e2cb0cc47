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
 * @param provenance   dataset hashes and Kiln version, or {@code null} in reports written before
 *                     they were recorded (such a model is never considered up to date)
 */
public record TrainingResult(String modelName, Path model, Path report, String dataset, double testAccuracy,
                             double testLoss, int threads, long seed, String kernels, String fingerprint,
                             int[][] confusion, List<EpochStats> epochs, Provenance provenance) {

    /** A result without provenance, for callers that do not track it. */
    public TrainingResult(String modelName, Path model, Path report, String dataset, double testAccuracy,
                          double testLoss, int threads, long seed, String kernels, String fingerprint,
                          int[][] confusion, List<EpochStats> epochs) {
        this(modelName, model, report, dataset, testAccuracy, testLoss, threads, seed, kernels, fingerprint,
                confusion, epochs, null);
    }

    /**
     * Test accuracy of each class: the diagonal of the confusion matrix over its row sums;
     * NaN for a class without test images.
     */
    public double[] classAccuracies() {
        int[][] c = confusion == null ? new int[0][] : confusion;
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            long total = 0;
            for (int v : c[i]) {
                total += v;
            }
            out[i] = total == 0 || c[i].length <= i ? Double.NaN : (double) c[i][i] / total;
        }
        return out;
    }
}
