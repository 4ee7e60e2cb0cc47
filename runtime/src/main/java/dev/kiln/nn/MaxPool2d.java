package dev.kiln.nn;

import dev.kiln.kernels.Window2d;

/**
 * Max pooling over each channel (ONNX {@code MaxPool}); padding never wins a maximum. The
 * backward pass routes each output's gradient to the input element that was its maximum (the
 * first one in window scan order on ties).
 */
public final class MaxPool2d extends Pool2d {

    /** Per output, the index within its sample of the input element that was the maximum. */
    private int[] argmax = new int[0];

    public MaxPool2d(Compute compute, Window2d window) {
        super(compute, window);
    }

    @Override
    public String type() {
        return "maxPool2d";
    }

    @Override
    protected void outputGrew(int batch) {
        argmax = new int[batch * outSize];
    }

    @Override
    protected void forwardSample(int n) {
        compute.kernels().maxPool(input, n * inSize, g, output, n * outSize, argmax, n * outSize);
    }

    /** A scatter: nothing to vectorize. */
    @Override
    protected void backwardSample(int n) {
        int xo = n * inSize;
        compute.kernels().fill(gradIn, xo, xo + inSize, 0f);
        for (int o = n * outSize; o < (n + 1) * outSize; o++) {
            gradIn[xo + argmax[o]] += dy[o];
        }
    }
}
