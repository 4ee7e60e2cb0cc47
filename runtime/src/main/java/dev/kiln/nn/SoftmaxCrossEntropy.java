package dev.kiln.nn;

/**
 * Softmax followed by cross-entropy, fused: from logits it computes the mean loss over the batch
 * and its gradient {@code (softmax(z) - onehot(y)) / batch} in one stable pass, which avoids the
 * {@code log(0)} and the large Jacobian of doing the two separately.
 */
public final class SoftmaxCrossEntropy {

    /**
     * @param logits  {@code [batch][classes]}
     * @param labels  class index per sample
     * @param grad    receives {@code dLoss/dLogits}, same shape as logits
     * @return the mean loss over the batch
     */
    public double lossAndGradient(float[] logits, int[] labels, int batch, int classes, float[] grad) {
        double total = 0;
        float invBatch = 1f / batch;
        for (int r = 0; r < batch; r++) {
            total += row(logits, r * classes, classes, labels[r], invBatch, grad);
        }
        return total / batch;
    }

    /**
     * One row's loss, and its gradient into {@code grad[o..o+classes)}. A method of its own so
     * that C2 compiles its three loops together, by call count: inline in the batch loop, each of
     * them got hot on its own and had the whole method compiled again by on-stack replacement.
     */
    private static double row(float[] logits, int o, int classes, int y, float invBatch, float[] grad) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, logits[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            sum += Math.exp(logits[o + j] - max);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < classes; j++) {
            float p = (float) Math.exp(logits[o + j] - max - logSum);
            grad[o + j] = (p - (j == y ? 1f : 0f)) * invBatch;
        }
        return logSum - (logits[o + y] - max);
    }

    /** Mean cross-entropy of already-normalized probabilities, clamped away from {@code log(0)}. */
    public static double lossOfProbabilities(float[] probs, int[] labels, int batch, int classes) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            total -= Math.log(Math.max(probs[r * classes + labels[r]], 1e-12f));
        }
        return total / batch;
    }
}
