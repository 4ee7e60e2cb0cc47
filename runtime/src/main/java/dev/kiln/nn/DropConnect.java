package dev.kiln.nn;

import dev.kiln.kernels.MaskHash;
import dev.kiln.parallel.Parallel;

/**
 * A fully connected layer whose weights are dropped while training: each step, each weight is
 * zeroed with probability {@code rate} and the kept ones scaled by {@code 1/(1-rate)}
 * (inverted DropConnect, one mask shared by the batch). It is a {@link Dense} layer that
 * multiplies by the masked weights while training and masks {@code dW} the same way (zero for
 * dropped weights); at inference it is exactly {@code Dense} ({@code y = x·W + b}, exported as ONNX
 * {@code Gemm}). The mask of weight {@code i} depends only on run seed, layer index, training
 * step ({@link #setStep}) and {@code i} (see {@link MaskHash}), so training is reproducible at any
 * thread count.
 */
public final class DropConnect extends Dense {

    private final double rate;
    private final long seed;
    private final int index;
    private final int threshold;
    private final float scale;
    private long step;
    /** The mask key of the last forward pass, and whether it masked (training with a rate above 0). */
    private long lastKey;
    private boolean lastMasked;
    private float[] masked = new float[0];
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody maskWeightsBody = this::maskWeights;
    private final Parallel.RangeBody maskWeightGradBody = this::maskWeightGrad;

    /**
     * @param name      parameter name prefix, e.g. {@code layer3_dropConnect}
     * @param inputGrad whether {@link #backward} must compute the input gradient
     * @param rate      drop probability in {@code [0, 1)}
     * @param seed      run seed
     * @param index     layer index, so two layers draw different masks
     */
    public DropConnect(Compute compute, String name, int in, int out, boolean inputGrad, double rate,
                       long seed, int index) {
        super(compute, name, in, out, inputGrad);
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
        return "dropConnect";
    }

    @Override
    public void setStep(long step) {
        this.step = step;
    }

    /** While training, the masked and scaled copy of {@code W}. */
    @Override
    protected float[] weights(boolean training) {
        lastMasked = training && threshold > 0;
        if (!lastMasked) {
            return weight().value();
        }
        int n = inputs() * outputs();
        if (masked.length < n) {
            masked = new float[n];
        }
        lastKey = MaskHash.key(seed, index, step);
        compute.elementwise(n, maskWeightsBody);
        return masked;
    }

    /** {@code dW} through the same mask and scale as the forward pass. */
    @Override
    protected void weightGradComputed() {
        if (lastMasked) {
            compute.elementwise(inputs() * outputs(), maskWeightGradBody);
        }
    }

    private void maskWeights(int from, int to) {
        compute.kernels().dropout(lastKey, threshold, scale, weight().value(), masked, from, to);
    }

    private void maskWeightGrad(int from, int to) {
        float[] dw = weight().grad();
        compute.kernels().dropout(lastKey, threshold, scale, dw, dw, from, to);
    }
}
