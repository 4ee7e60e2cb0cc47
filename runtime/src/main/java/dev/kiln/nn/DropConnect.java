package dev.kiln.nn;

import dev.kiln.kernels.MaskHash;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * A fully connected layer whose weights are dropped while training: each step, each weight is
 * zeroed with probability {@code rate} and the kept ones scaled by {@code 1/(1-rate)}
 * (inverted DropConnect, one mask shared by the batch). At inference it is exactly
 * {@link Dense} ({@code y = x·W + b}, exported as ONNX {@code Gemm}). The mask of weight
 * {@code i} depends only on run seed, layer index, training step ({@link #setStep}) and
 * {@code i} (see {@link MaskHash}), so training is reproducible at any thread count.
 */
public final class DropConnect implements Layer {

    private final Compute compute;
    private final int in;
    private final int out;
    private final boolean inputGrad;
    private final Parameter weight;
    private final Parameter bias;
    private final double rate;
    private final long seed;
    private final int index;
    private final int threshold;
    private final float scale;
    private long step;
    private long lastKey;
    private boolean lastMasked;

    private float[] input;
    private float[] masked = new float[0];
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The weights the current call uses (masked or not), its batch size and output gradient. */
    private float[] wUsed;
    private int batch;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody maskWeightsBody = this::maskWeights;
    private final Parallel.RangeBody forwardBody = this::forwardRows;
    private final Parallel.RangeBody weightGradBody = this::weightGradRows;
    private final Parallel.RangeBody maskWeightGradBody = this::maskWeightGrad;
    private final Parallel.RangeBody biasGradBody = this::biasGradColumns;
    private final Parallel.RangeBody inputGradBody = this::inputGradRows;

    /**
     * @param name      parameter name prefix, e.g. {@code layer3_dropConnect}
     * @param inputGrad whether {@link #backward} must compute the input gradient
     * @param rate      drop probability in {@code [0, 1)}
     * @param seed      run seed
     * @param index     layer index, so two layers draw different masks
     */
    public DropConnect(Compute compute, String name, int in, int out, boolean inputGrad, double rate,
                       long seed, int index) {
        this.compute = compute;
        this.in = in;
        this.out = out;
        this.inputGrad = inputGrad;
        this.weight = Parameter.of(name + ".weight", in, out);
        this.bias = Parameter.of(name + ".bias", out);
        this.rate = rate;
        this.seed = seed;
        this.index = index;
        this.threshold = MaskHash.threshold(rate);
        this.scale = (float) (1.0 / (1.0 - rate));
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    /** The weights, {@code [in][out]}, unmasked: what inference and export use. */
    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
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
    public int[] outputShape() {
        return new int[] {out};
    }

    @Override
    public void setStep(long step) {
        this.step = step;
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        input = x;
        this.batch = batch;
        lastMasked = training && threshold > 0;
        wUsed = weight.value();
        if (lastMasked) {
            int n = in * out;
            if (masked.length < n) {
                masked = new float[n];
            }
            lastKey = MaskHash.key(seed, index, step);
            compute.elementwise(n, maskWeightsBody);
            wUsed = masked;
        }
        if (output.length < batch * out) {
            output = new float[batch * out];
        }
        compute.gemmRows(batch, forwardBody);
        return output;
    }

    private void maskWeights(int from, int to) {
        compute.kernels().dropout(lastKey, threshold, scale, weight.value(), masked, from, to);
    }

    private void forwardRows(int from, int to) {
        var k = compute.kernels();
        k.gemm(false, false, from, to, out, in, input, in, wUsed, out, output, out, false);
        k.addRowVector(output, from, to, out, bias.value());
    }

    /**
     * As {@link Dense#backward}, with the masked weights in place of {@code W}: {@code dW} is
     * {@code xᵀ·dy} through the same mask and scale (zero for dropped weights), {@code dx} uses
     * the masked weights.
     */
    @Override
    public float[] backward(float[] dy, int batch) {
        this.dy = dy;
        this.batch = batch;
        compute.gemmRows(in, weightGradBody);
        if (lastMasked) {
            compute.elementwise(in * out, maskWeightGradBody);
        }
        compute.parallel().forRange(out, 64, biasGradBody);
        if (!inputGrad) {
            return null;
        }
        if (gradIn.length < batch * in) {
            gradIn = new float[batch * in];
        }
        wUsed = lastMasked ? masked : weight.value();
        compute.gemmRows(batch, inputGradBody);
        return gradIn;
    }

    private void weightGradRows(int from, int to) {
        compute.kernels().gemm(true, false, from, to, out, batch, input, in, dy, out, weight.grad(), out, false);
    }

    private void maskWeightGrad(int from, int to) {
        float[] dw = weight.grad();
        compute.kernels().dropout(lastKey, threshold, scale, dw, dw, from, to);
    }

    private void biasGradColumns(int from, int to) {
        compute.kernels().sumColumns(dy, batch, out, from, to, bias.grad());
    }

    private void inputGradRows(int from, int to) {
        compute.kernels().gemm(false, true, from, to, in, out, dy, out, wUsed, out, gradIn, in, false);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
