package dev.kiln.nn;

import dev.kiln.kernels.Window2d;

/**
 * Max pooling over each channel (ONNX {@code MaxPool}); padding never wins a maximum. The
 * backward pass routes each output's gradient to the input element that was its maximum (the
 * first one in window scan order on ties).
 */
public final class MaxPool2d implements Layer {

    private final Compute compute;
    private final Window2d g;
    private float[] output = new float[0];
    private int[] argmax = new int[0];
    private float[] gradIn = new float[0];

    public MaxPool2d(Compute compute, Window2d window) {
        this.compute = compute;
        this.g = window;
    }

    /** Input geometry, window, stride and padding. */
    public Window2d window() {
        return g;
    }

    @Override
    public String type() {
        return "maxPool2d";
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
            argmax = new int[batch * outSize];
        }
        float[] y = output;
        int[] arg = argmax;
        var k = compute.kernels();
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), (from, to) -> {
            for (int n = from; n < to; n++) {
                k.maxPool(x, n * inSize, g, y, n * outSize, arg, n * outSize);
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
        int[] arg = argmax;
        var k = compute.kernels();
        // A scatter: nothing to vectorize, and each sample's slice of dx belongs to one chunk.
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), (from, to) -> {
            for (int n = from; n < to; n++) {
                int xo = n * inSize;
                k.fill(dx, xo, xo + inSize, 0f);
                for (int o = n * outSize; o < (n + 1) * outSize; o++) {
                    dx[xo + arg[o]] += dy[o];
                }
            }
        });
        return dx;
    }
}
