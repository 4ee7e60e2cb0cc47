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
    /** Whether the ReLU before leaves its backward pass to this layer ({@link #takeReluBackward}). */
    private boolean reluBefore;
    /** With {@link #reluBefore}: the output gradient where the output is above 0, else 0. */
    private float[] gated = new float[0];

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
        if (reluBefore) {
            gated = new float[batch * outSize];
        }
    }

    @Override
    protected void forwardSample(int n) {
        compute.kernels().maxPool(input, n * inSize, g, output, n * outSize, argmax, n * outSize);
    }

    /**
     * Makes the backward pass do the backward pass of the ReLU before this layer ({@link Network}
     * pairs them): a gradient reaches an input element only where that element, the ReLU's
     * output, is above 0. The ReLU would give every other element 0, which is what the scatter
     * starts from, so the bits are the same, and the ReLU's pass over three arrays of the batch
     * (9.4 MB each for the CNN example) is saved.
     */
    void takeReluBackward() {
        reluBefore = true;
    }

    /** A scatter, which has nothing to vectorize (only the ReLU gate before it does). */
    @Override
    protected void backwardSample(int n) {
        int xo = n * inSize;
        int o0 = n * outSize;
        compute.kernels().fill(gradIn, xo, xo + inSize, 0f);
        float[] g = dy;
        if (reluBefore) {
            // output[o] is the winning input, so the ReLU's test is on the output, a vector at a
            // time (a branch per element was slower than the ReLU's own pass: its sign is a coin
            // toss to the predictor); the sample's gated gradient is still in L1 for the scatter
            compute.kernels().reluBackward(output, dy, gated, o0, o0 + outSize);
            g = gated;
        }
        for (int o = o0; o < o0 + outSize; o++) {
            gradIn[xo + argmax[o]] += g[o];
        }
    }
}
