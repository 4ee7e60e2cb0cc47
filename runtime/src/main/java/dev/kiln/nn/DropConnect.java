package dev.kiln.nn;

import dev.kiln.kernels.MaskHash;

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
        lastMasked = training && threshold > 0;
        float[] wUsed = weight.value();
        if (lastMasked) {
            int n = in * out;
            if (masked.length < n) {
                masked = new float[n];
            }
            float[] w = wUsed;
            float[] wm = masked;
            long key = MaskHash.key(seed, index, step);
            lastKey = key;
            compute.elementwise(n, (from, to) -> compute.kernels().dropout(key, threshold, scale, w, wm, from, to));
            wUsed = wm;
        }
        if (output.length < batch * out) {
            output = new float[batch * out];
        }
        float[] y = output;
        float[] wFinal = wUsed;
        float[] b = bias.value();
        var k = compute.kernels();
        compute.gemmRows(batch, (from, to) -> {
            k.gemm(false, false, from, to, out, in, x, in, wFinal, out, y, out, false);
            k.addRowVector(y, from, to, out, b);
        });
        return y;
    }

    /**
     * As {@link Dense#backward}, with the masked weights in place of {@code W}: {@code dW} is
     * {@code xᵀ·dy} through the same mask and scale (zero for dropped weights), {@code dx} uses
     * the masked weights.
     */
    @Override
    public float[] backward(float[] dy, int batch) {
        float[] x = input;
        var k = compute.kernels();
        float[] dw = weight.grad();
        compute.gemmRows(in, (from, to) -> k.gemm(true, false, from, to, out, batch, x, in, dy, out, dw, out, false));
        if (lastMasked) {
            long key = lastKey;
            compute.elementwise(in * out, (from, to) -> k.dropout(key, threshold, scale, dw, dw, from, to));
        }
        float[] db = bias.grad();
        compute.parallel().forRange(out, 64, (from, to) -> k.sumColumns(dy, batch, out, from, to, db));
        if (!inputGrad) {
            return null;
        }
        if (gradIn.length < batch * in) {
            gradIn = new float[batch * in];
        }
        float[] dx = gradIn;
        float[] w = lastMasked ? masked : weight.value();
        compute.gemmRows(batch, (from, to) -> k.gemm(false, true, from, to, in, out, dy, out, w, out, dx, in, false));
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
