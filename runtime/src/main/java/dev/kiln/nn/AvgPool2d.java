package dev.kiln.nn;

import dev.kiln.kernels.Window2d;

/**
 * Average pooling over each channel (ONNX {@code AveragePool} with {@code count_include_pad = 0}):
 * each output is the mean of the in-bounds elements of its window, so padding only shrinks the
 * count and never pulls the average towards zero.
 */
public final class AvgPool2d extends Pool2d {

    public AvgPool2d(Compute compute, Window2d window) {
        super(compute, window);
    }

    @Override
    public String type() {
        return "avgPool2d";
    }

    @Override
    protected void forwardSample(int n) {
        compute.kernels().avgPool(input, n * inSize, g, output, n * outSize);
    }

    @Override
    protected void backwardSample(int n) {
        compute.kernels().avgPoolBackward(dy, n * outSize, g, gradIn, n * inSize);
    }
}
