package dev.kiln.nn;

import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * What max and average pooling share: the window geometry, the output shape, per-batch buffers
 * and the split over samples (each sample's slices of the output and of the input gradient belong
 * to one chunk). Subclasses pool and unpool one sample.
 */
public abstract class Pool2d implements Layer {

    protected final Compute compute;
    protected final Window2d g;
    /** Elements of one input sample and of one output sample. */
    protected final int inSize;
    protected final int outSize;
    protected float[] output = new float[0];
    protected float[] gradIn = new float[0];
    /** The input of the current forward and the output gradient of the current backward. */
    protected float[] input;
    protected float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody forwardBody = this::forwardSamples;
    private final Parallel.RangeBody backwardBody = this::backwardSamples;

    protected Pool2d(Compute compute, Window2d window) {
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
    public int[] outputShape() {
        return new int[] {g.channels(), g.outH(), g.outW()};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        if (output.length < batch * outSize) {
            output = new float[batch * outSize];
            outputGrew(batch);
        }
        input = x;
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), forwardBody);
        return output;
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

    /** Called when the output buffer was enlarged for {@code batch} samples: size any per-output state. */
    protected void outputGrew(int batch) {
    }

    /** Pools sample {@code n} of {@link #input} into {@link #output}. */
    protected abstract void forwardSample(int n);

    /** Overwrites sample {@code n} of {@link #gradIn} from {@link #dy}. */
    protected abstract void backwardSample(int n);

    private void forwardSamples(int from, int to) {
        for (int n = from; n < to; n++) {
            forwardSample(n);
        }
    }

    private void backwardSamples(int from, int to) {
        for (int n = from; n < to; n++) {
            backwardSample(n);
        }
    }
}
