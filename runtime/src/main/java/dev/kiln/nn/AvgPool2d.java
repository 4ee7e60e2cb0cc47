package dev.kiln.nn;

import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * Average pooling over each channel (ONNX {@code AveragePool} with {@code count_include_pad = 0}):
 * each output is the mean of the in-bounds elements of its window, so padding only shrinks the
 * count and never pulls the average towards zero.
 */
public final class AvgPool2d implements Layer {

    private final Compute compute;
    private final Window2d g;
    private final int inSize;
    private final int outSize;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The input of the current forward and the output gradient of the current backward. */
    private float[] input;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::forwardSamples;
    private final Parallel.RangeBody backwardBody = this::backwardSamples;

    public AvgPool2d(Compute compute, Window2d window) {
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
        return "avgPool2d";
    }

    @Override
    public int[] outputShape() {
        return new int[] {g.channels(), g.outH(), g.outW()};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        if (output.length < batch * outSize) {
            output = new float[batch * outSize];
        }
        input = x;
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), forwardBody);
        return output;
    }

    private void forwardSamples(int from, int to) {
        var k = compute.kernels();
        for (int n = from; n < to; n++) {
            k.avgPool(input, n * inSize, g, output, n * outSize);
        }
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (gradIn.length < batch * inSize) {
            gradIn = new float[batch * inSize];
        }
        this.dy = dy;
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), backwardBody);
        return gradIn;
    }

    private void backwardSamples(int from, int to) {
        var k = compute.kernels();
        for (int n = from; n < to; n++) {
            k.avgPoolBackward(dy, n * outSize, g, gradIn, n * inSize);
        }
    }
}
