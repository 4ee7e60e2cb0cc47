package dev.kiln.nn;

import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * Max pooling over each channel (ONNX {@code MaxPool}); padding never wins a maximum. The
 * backward pass routes each output's gradient to the input element that was its maximum (the
 * first one in window scan order on ties).
 */
public final class MaxPool2d implements Layer {

    private final Compute compute;
    private final Window2d g;
    private final int inSize;
    private final int outSize;
    private float[] output = new float[0];
    private int[] argmax = new int[0];
    private float[] gradIn = new float[0];
    /** The input of the current forward and the output gradient of the current backward. */
    private float[] input;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::forwardSamples;
    private final Parallel.RangeBody backwardBody = this::backwardSamples;

    public MaxPool2d(Compute compute, Window2d window) {
        this.compute = compute;
        this.g = window;
        this.inSize = window.channels() * window.inPlane();
        this.outSize = window.channels() * window.outPlane();
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
        if (output.length < batch * outSize) {
            output = new float[batch * outSize];
            argmax = new int[batch * outSize];
        }
        input = x;
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), forwardBody);
        return output;
    }

    private void forwardSamples(int from, int to) {
        var k = compute.kernels();
        for (int n = from; n < to; n++) {
            k.maxPool(input, n * inSize, g, output, n * outSize, argmax, n * outSize);
        }
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (gradIn.length < batch * inSize) {
            gradIn = new float[batch * inSize];
        }
        this.dy = dy;
        // A scatter: nothing to vectorize, and each sample's slice of dx belongs to one chunk.
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), backwardBody);
        return gradIn;
    }

    private void backwardSamples(int from, int to) {
        float[] dx = gradIn;
        int[] arg = argmax;
        for (int n = from; n < to; n++) {
            int xo = n * inSize;
            compute.kernels().fill(dx, xo, xo + inSize, 0f);
            for (int o = n * outSize; o < (n + 1) * outSize; o++) {
                dx[xo + arg[o]] += dy[o];
            }
        }
    }
}
