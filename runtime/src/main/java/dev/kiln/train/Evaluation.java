package dev.kiln.train;

import dev.kiln.data.ImageSet;
import dev.kiln.nn.Network;
import dev.kiln.nn.SoftmaxCrossEntropy;

/**
 * Test-set measurements of a network.
 *
 * @param loss      mean cross-entropy
 * @param accuracy  fraction of images whose most probable class is the label
 * @param confusion counts {@code [true label][predicted label]}
 */
public record Evaluation(double loss, double accuracy, int[][] confusion) {

    /** Evaluates {@code net} on every image of {@code set}, in batches of {@code batchSize}. */
    public static Evaluation of(Network net, ImageSet set, int batchSize) {
        int classes = net.classes();
        int[][] confusion = new int[classes][classes];
        int[] labels = new int[batchSize];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < set.count(); start += batchSize) {
            int b = Math.min(batchSize, set.count() - start);
            for (int r = 0; r < b; r++) {
                labels[r] = set.label(start + r);
            }
            float[] probs = net.predict(net.loadInput(set.pixels(), null, start, b), b);
            lossSum += SoftmaxCrossEntropy.lossOfProbabilities(probs, labels, b, classes) * b;
            for (int r = 0; r < b; r++) {
                int pred = argmax(probs, r * classes, classes);
                confusion[labels[r]][pred]++;
                if (pred == labels[r]) {
                    correct++;
                }
            }
        }
        return new Evaluation(lossSum / set.count(), (double) correct / set.count(), confusion);
    }

    /** Index of the largest of {@code n} values from {@code off}; the first one on ties. */
    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
