package dev.kiln.nn;

import dev.kiln.parallel.Parallel;

/**
 * Softmax over the features of each sample, computed stably (max subtracted first). When it is
 * the last layer and the loss is cross-entropy, the {@link Network} skips it in training and
 * uses the fused {@link SoftmaxCrossEntropy} gradient instead.
 */
public final class Softmax implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int features;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The input of the current forward and the output gradient of the current backward. */
    private float[] input;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::forwardRows;
    private final Parallel.RangeBody backwardBody = this::backwardRows;

    public Softmax(Compute compute, int[] shape) {
        this.compute = compute;
        this.shape = shape.clone();
        this.features = Layer.size(shape);
    }

    @Override
    public String type() {
        return "softmax";
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        if (output.length < batch * features) {
            output = new float[batch * features];
        }
        input = x;
        compute.parallel().forRange(batch, 16, forwardBody);
        return output;
    }

    private void forwardRows(int from, int to) {
        for (int r = from; r < to; r++) {
            softmaxRow(input, output, r * features, features);
        }
    }

    /** Stable softmax of {@code x[off, off+n)} into {@code y}. */
    static void softmaxRow(float[] x, float[] y, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(x[off + j] - max);
            y[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < n; j++) {
            y[off + j] *= inv;
        }
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (gradIn.length < batch * features) {
            gradIn = new float[batch * features];
        }
        this.dy = dy;
        compute.parallel().forRange(batch, 16, backwardBody);
        return gradIn;
    }

    private void backwardRows(int from, int to) {
        float[] y = output;
        float[] dx = gradIn;
        for (int r = from; r < to; r++) {
            int o = r * features;
            float dot = 0f;
            for (int j = 0; j < features; j++) {
                dot += dy[o + j] * y[o + j];
            }
            for (int j = 0; j < features; j++) {
                dx[o + j] = y[o + j] * (dy[o + j] - dot);
            }
        }
    }
}
