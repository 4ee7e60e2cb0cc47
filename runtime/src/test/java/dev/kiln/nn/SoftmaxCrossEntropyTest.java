package dev.kiln.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftmaxCrossEntropyTest {

    /** −log softmax(z)[y], in doubles from the definition: the reference for each row. */
    private static double rowLoss(float[] z, int o, int classes, int y) {
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            sum += Math.exp(z[o + j]);
        }
        return -Math.log(Math.exp(z[o + y]) / sum);
    }

    @Test
    void theLossIsTheBatchMeanOfMinusLogSoftmaxAtTheLabel() {
        float[] logits = {1.5f, -0.5f, 0.25f, 2f, 0f, -1f, -3f, 0.5f, 4f};
        int[] labels = {0, 2, 1};
        float[] grad = new float[logits.length];

        double loss = new SoftmaxCrossEntropy().lossAndGradient(logits, labels, 3, 3, grad);

        double expected = (rowLoss(logits, 0, 3, 0) + rowLoss(logits, 3, 3, 2) + rowLoss(logits, 6, 3, 1)) / 3;
        assertEquals(expected, loss, 1e-6);
    }

    @Test
    void theGradientIsSoftmaxMinusOneHotOverTheBatch() {
        float[] logits = {1.5f, -0.5f, 0.25f, 2f, 0f, -1f};
        int[] labels = {1, 0};
        float[] grad = new float[logits.length];

        new SoftmaxCrossEntropy().lossAndGradient(logits, labels, 2, 3, grad);

        for (int r = 0; r < 2; r++) {
            double sum = 0;
            for (int j = 0; j < 3; j++) {
                sum += Math.exp(logits[r * 3 + j]);
            }
            for (int j = 0; j < 3; j++) {
                double p = Math.exp(logits[r * 3 + j]) / sum;
                assertEquals((p - (j == labels[r] ? 1 : 0)) / 2, grad[r * 3 + j], 1e-6, "row " + r + ", class " + j);
            }
        }
    }

    @Test
    void largeLogitsStayFinite() {
        // exp(1000) overflows a double: the loss must subtract the row's maximum first
        float[] logits = {1000f, 990f, 0f};
        float[] grad = new float[3];

        double loss = new SoftmaxCrossEntropy().lossAndGradient(logits, new int[] {1}, 1, 3, grad);

        assertEquals(10 + Math.log1p(Math.exp(-10)), loss, 1e-4);
        for (float g : grad) {
            assertTrue(Float.isFinite(g), "gradient " + g);
        }
    }
}
