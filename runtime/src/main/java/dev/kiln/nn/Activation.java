package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.parallel.Parallel;

/**
 * An element-wise activation: same shape in and out, one kernel forward and one backward. The
 * buffers are sized once per batch size; subclasses only name their kernels.
 */
public abstract class Activation implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int features;
    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The output gradient of the current backward call. */
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::applyChunk;
    private final Parallel.RangeBody backwardBody = this::deriveChunk;
    /** Whether the layer before already applies this function ({@link #appliedByPrevious}). */
    private boolean appliedByPrevious;
    /** Whether the layer after already applies this function's derivative ({@link #derivedByNext}). */
    private boolean derivedByNext;

    protected Activation(Compute compute, int[] shape) {
        this.compute = compute;
        this.shape = shape.clone();
        this.features = Layer.size(shape);
    }

    /** {@code y = f(x)} on {@code [from, to)}. */
    protected abstract void apply(Kernels k, float[] x, float[] y, int from, int to);

    /**
     * {@code dx = f'(·) dy} on {@code [from, to)}; {@code x} is the forward input and {@code y}
     * its output, whichever the derivative is cheaper from.
     */
    protected abstract void derive(Kernels k, float[] x, float[] y, float[] dy, float[] dx, int from, int to);

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    /**
     * Declares that the layer before already outputs {@code f(x)} (a convolution or dense layer
     * that applies the ReLU after it): the forward pass then returns its input as its output,
     * and the backward pass takes that array as {@code y}. Only for functions whose derivative
     * {@link #derive} reads from {@code y} alone.
     */
    void appliedByPrevious() {
        appliedByPrevious = true;
    }

    /**
     * Declares that the layer after already multiplies its input gradient by this function's
     * derivative (a max pool or a convolution after a ReLU): the backward
     * pass then returns the gradient it is given.
     */
    void derivedByNext() {
        derivedByNext = true;
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        if (appliedByPrevious) {
            input = x;
            output = x;
            return x;
        }
        int n = batch * features;
        if (output.length < n) {
            output = new float[n];
        }
        input = x;
        compute.elementwise(n, forwardBody);
        return output;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        if (derivedByNext) {
            return dy;
        }
        int n = batch * features;
        if (gradIn.length < n) {
            gradIn = new float[n];
        }
        this.dy = dy;
        compute.elementwise(n, backwardBody);
        return gradIn;
    }

    private void applyChunk(int from, int to) {
        apply(compute.kernels(), input, output, from, to);
    }

    private void deriveChunk(int from, int to) {
        derive(compute.kernels(), input, output, dy, gradIn, from, to);
    }
}
