package dev.kiln.nn;

import dev.kiln.kernels.MaskHash;
import dev.kiln.parallel.Parallel;

/**
 * Inverted dropout: while training, each element is zeroed with probability {@code rate} and the
 * kept ones are scaled by {@code 1/(1-rate)}, so inference is the identity (and exports as ONNX
 * {@code Identity}). Whether element {@code i} of a batch is kept depends only on the run seed,
 * the layer index, the training step ({@link #setStep}) and {@code i} (see {@link MaskHash}), so
 * training is reproducible at any thread count.
 */
public final class Dropout implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int features;
    private final double rate;
    private final long seed;
    private final int index;
    private final int threshold;
    private final float scale;
    private long step;
    /** Key of the mask of the last forward, or nothing when it was not a training forward. */
    private long lastKey;
    private boolean lastTraining;
    /** Whether the max pool before applies this layer's mask to the gradient ({@link #gradientMaskedByPrevious}). */
    private boolean maskedByPrevious;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** What the current call masks ({@code x} forward, {@code dy} backward) and where it writes. */
    private float[] maskIn;
    private float[] maskOut;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody maskBody = this::maskChunk;

    /**
     * @param rate  drop probability in {@code [0, 1)}
     * @param seed  run seed
     * @param index layer index in the network, so two dropout layers draw different masks
     */
    public Dropout(Compute compute, int[] shape, double rate, long seed, int index) {
        this.compute = compute;
        this.shape = shape.clone();
        this.features = Layer.size(shape);
        this.rate = rate;
        this.seed = seed;
        this.index = index;
        this.threshold = MaskHash.threshold(rate);
        this.scale = (float) (1.0 / (1.0 - rate));
    }

    /** The drop probability. */
    public double rate() {
        return rate;
    }

    @Override
    public String type() {
        return "dropout";
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    /** The training step the next training forward draws its mask for. */
    public long step() {
        return step;
    }

    @Override
    public void setStep(long step) {
        this.step = step;
    }

    /** At inference, and while training with rate 0, this returns {@code x} itself: no copy. */
    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        lastTraining = training && threshold > 0;
        if (!lastTraining) {
            return x;
        }
        int n = batch * features;
        if (output.length < n) {
            output = new float[n];
        }
        lastKey = MaskHash.key(seed, index, step);
        mask(x, output, n);
        return output;
    }

    /**
     * The gradient goes through the kept elements, with the same scale; where the max pool before
     * applies the mask ({@link #gradientMaskedByPrevious}), {@code dy} itself.
     */
    @Override
    public float[] backward(float[] dy, int batch) {
        if (!lastTraining || maskedByPrevious) {
            return dy;
        }
        int n = batch * features;
        if (gradIn.length < n) {
            gradIn = new float[n];
        }
        mask(dy, gradIn, n);
        return gradIn;
    }

    /**
     * Leaves the backward pass's mask to the max pool before this layer ({@link Network} pairs
     * them), which applies it to each sample's gradient as it reads it
     * ({@link MaxPool2d#takeDropoutBackward}); this layer's backward pass then hands {@code dy}
     * down untouched.
     */
    void gradientMaskedByPrevious() {
        maskedByPrevious = true;
    }

    /** Whether the last forward pass drew a mask (a training pass with a rate above 0). */
    boolean masking() {
        return lastTraining;
    }

    /**
     * {@code out = in · mask · scale} on {@code [from, to)} of a batch, with the mask of the last
     * training forward pass: what this layer's passes do to those elements.
     */
    void applyMask(float[] in, float[] out, int from, int to) {
        compute.kernels().dropout(lastKey, threshold, scale, in, out, from, to);
    }

    /** {@code out = in · mask(lastKey) · scale} over {@code [0, n)}. */
    private void mask(float[] in, float[] out, int n) {
        maskIn = in;
        maskOut = out;
        compute.elementwise(n, maskBody);
    }

    private void maskChunk(int from, int to) {
        applyMask(maskIn, maskOut, from, to);
    }
}
