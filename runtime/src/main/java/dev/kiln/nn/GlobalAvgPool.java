package dev.kiln.nn;

import dev.kiln.parallel.Parallel;

/**
 * The mean of each channel over its whole plane (ONNX {@code GlobalAveragePool}):
 * {@code [C][H][W]} → {@code [C][1][1]}.
 */
public final class GlobalAvgPool implements Layer {

    private final Compute compute;
    private final int channels;
    private final int plane;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The input of the current forward and the output gradient of the current backward. */
    private float[] input;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::forwardRows;
    private final Parallel.RangeBody backwardBody = this::backwardRows;

    /** @param inputShape {@code {C, H, W}} */
    public GlobalAvgPool(Compute compute, int[] inputShape) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("globalAvgPool needs {C,H,W}, got " + java.util.Arrays.toString(inputShape));
        }
        this.compute = compute;
        this.channels = inputShape[0];
        this.plane = inputShape[1] * inputShape[2];
    }

    @Override
    public String type() {
        return "globalAvgPool";
    }

    @Override
    public int[] outputShape() {
        return new int[] {channels, 1, 1};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        if (output.length < batch * channels) {
            output = new float[batch * channels];
        }
        input = x;
        // Each output is one whole plane's sum, never split: the same bits at any thread count.
        compute.rows(batch * channels, forwardBody);
        return output;
    }

    private void forwardRows(int from, int to) {
        var k = compute.kernels();
        float count = plane;
        for (int r = from; r < to; r++) {
            output[r] = k.sum(input, r * plane, (r + 1) * plane) / count;
        }
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (gradIn.length < batch * channels * plane) {
            gradIn = new float[batch * channels * plane];
        }
        this.dy = dy;
        compute.rows(batch * channels, backwardBody);
        return gradIn;
    }

    private void backwardRows(int from, int to) {
        float count = plane;
        for (int r = from; r < to; r++) {
            java.util.Arrays.fill(gradIn, r * plane, (r + 1) * plane, dy[r] / count);
        }
    }
}
