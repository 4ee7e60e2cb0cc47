package dev.kiln.nn;

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
        float[] y = output;
        var k = compute.kernels();
        float count = plane;
        // Each output is one whole plane's sum, never split: the same bits at any thread count.
        compute.rows(batch * channels, (from, to) -> {
            for (int r = from; r < to; r++) {
                y[r] = k.sum(x, r * plane, (r + 1) * plane) / count;
            }
        });
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (gradIn.length < batch * channels * plane) {
            gradIn = new float[batch * channels * plane];
        }
        float[] dx = gradIn;
        float count = plane;
        compute.rows(batch * channels, (from, to) -> {
            for (int r = from; r < to; r++) {
                java.util.Arrays.fill(dx, r * plane, (r + 1) * plane, dy[r] / count);
            }
        });
        return dx;
    }
}
