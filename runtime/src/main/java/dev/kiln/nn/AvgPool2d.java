package dev.kiln.nn;

import dev.kiln.kernels.Window2d;

/**
 * Average pooling over each channel (ONNX {@code AveragePool} with {@code count_include_pad = 0}):
 * each output is the mean of the in-bounds elements of its window, so padding only shrinks the
 * count and never pulls the average towards zero.
 */
public final class AvgPool2d implements Layer {

    private final Compute compute;
    private final Window2d g;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];

    public AvgPool2d(Compute compute, Window2d window) {
        this.compute = compute;
        this.g = window;
    }

    /** Input geometry, window, stride and padding. */
    public Window2d window() {
        return g;
    }

    @Override
    public String type() {
        return "avgPool2d";
    }

    @Override
    public int[] outputShape() {
        return new int[] {g.channels(), g.outH(), g.outW()};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        int inSize = g.channels() * g.inPlane();
        int outSize = g.channels() * g.outPlane();
        if (output.length < batch * outSize) {
            output = new float[batch * outSize];
        }
        float[] y = output;
        var k = compute.kernels();
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), (from, to) -> {
            for (int n = from; n < to; n++) {
                k.avgPool(x, n * inSize, g, y, n * outSize);
            }
        });
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        int inSize = g.channels() * g.inPlane();
        int outSize = g.channels() * g.outPlane();
        if (gradIn.length < batch * inSize) {
            gradIn = new float[batch * inSize];
        }
        float[] dx = gradIn;
        var k = compute.kernels();
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), (from, to) -> {
            for (int n = from; n < to; n++) {
                k.avgPoolBackward(dy, n * outSize, g, dx, n * inSize);
            }
        });
        return dx;
    }
}
