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
    /** The dropout after this layer, whose backward mask this layer applies ({@link #takeDropoutBackward}), or null. */
    private Dropout dropoutAfter;
    /** With {@link #reluBefore} or {@link #dropoutAfter}: the output gradient, masked and gated. */
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
        if (reluBefore || dropoutAfter != null) {
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

    /**
     * Makes the backward pass apply the mask of the dropout after this layer ({@link Network}
     * pairs them) to each sample's output gradient as it reads it: the same kernel on the same
     * elements, so the same bits, and the dropout's own pass over the batch is saved. That pass
     * was split over the batch's elements while the dense layer that computes the gradient splits
     * its columns, so at two threads each thread read half its elements from the other's cache,
     * and the pass took as long as on one thread (CNN example: 0.139 ms against 0.132). The two
     * backward passes together, {@code StepScaling}, 4 pairs: 0.58–0.62 → 0.53–0.60 ms at 2
     * threads, 0.88–0.94 → 0.84–0.97 at 1.
     */
    void takeDropoutBackward(Dropout dropout) {
        dropoutAfter = dropout;
        dropout.gradientMaskedByPrevious();
    }

    /** A scatter, which has nothing to vectorize (only the mask and the ReLU gate before it do). */
    @Override
    protected void backwardSample(int n) {
        int xo = n * inSize;
        int o0 = n * outSize;
        compute.kernels().fill(gradIn, xo, xo + inSize, 0f);
        float[] g = dy;
        if (dropoutAfter != null && dropoutAfter.masking()) {
            dropoutAfter.applyMask(dy, gated, o0, o0 + outSize);
            g = gated;
        }
        if (reluBefore) {
            // output[o] is the winning input, so the ReLU's test is on the output, a vector at a
            // time (a branch per element was slower than the ReLU's own pass: its sign is a coin
            // toss to the predictor); the sample's gated gradient is still in L1 for the scatter
            compute.kernels().reluBackward(output, g, gated, o0, o0 + outSize);
            g = gated;
        }
        for (int o = o0; o < o0 + outSize; o++) {
            gradIn[xo + argmax[o]] += g[o];
        }
    }
}
