package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * Two-dimensional convolution (cross-correlation, as in ONNX {@code Conv} with {@code group = 1}
 * and no dilation) of {@code [C][H][W]} samples with {@code filters} kernels, weights stored
 * {@code [filters][C][kh][kw]} (ONNX's {@code W}).
 *
 * <p>Computed as im2col + GEMM (see {@code convolution.md} for the measurements behind the
 * choice): per sample, {@code Y[F][P] = W[F][K] · col[K][P]} with {@code K = C·kh·kw} and
 * {@code P = outH·outW}. The forward pass and the weight gradient never write {@code col} out:
 * the kernels copy it from the sample straight into their packed GEMM panels
 * ({@link dev.kiln.kernels.Kernels#gemmUnfolded}); only the input gradient unfolds into scratch.
 * Work is split over samples for the forward pass and the input gradient, over fixed groups of
 * samples for the weight gradient and the bias gradient ({@link Compute#gemmSumUnfolded}), whose
 * sums over the batch run in a fixed order: results are bit-identical at any thread count.
 */
public final class Conv2d implements Layer {

    private final Compute compute;
    private final Window2d g;
    private final int filters;
    private final boolean inputGrad;
    private final Parameter weight;
    private final Parameter bias;

    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** {@code Wᵀ[K][F]}, made once per backward pass for the input gradients' products. */
    private float[] weightT = new float[0];
    /** One im2col-sized buffer per work chunk of the input gradient (never shared between threads at once). */
    private final List<float[]> scratch = new ArrayList<>();

    // The current call's arguments, read by the parallel bodies below; the bodies are made once
    // so that a training step allocates nothing.
    private int batch;
    private int grain;
    private float[] dy;
    private final Parallel.RangeBody forwardBody = this::forwardSamples;
    /** Whether a ReLU follows that this layer applies itself ({@link #takeReluForward}). */
    private boolean reluAfter;
    /** Whether the ReLU before leaves its backward pass to this layer ({@link #takeReluBackward}). */
    private boolean reluBefore;
    private final Parallel.RangeBody inputGradBody = this::inputGradSamples;

    /**
     * @param name      parameter name prefix, e.g. {@code layer0_conv2d}
     * @param window    input geometry, window, stride and padding
     * @param filters   output channels
     * @param withBias  whether there is a per-filter bias
     * @param inputGrad whether {@link #backward} must compute the input gradient (false for the
     *                  first layer)
     */
    public Conv2d(Compute compute, String name, Window2d window, int filters, boolean withBias, boolean inputGrad) {
        this.compute = compute;
        this.g = window;
        this.filters = filters;
        this.inputGrad = inputGrad;
        this.weight = Parameter.of(name + ".weight", filters, window.channels(), window.kh(), window.kw());
        this.bias = withBias ? Parameter.of(name + ".bias", filters) : null;
    }

    /** Input geometry, window, stride and padding. */
    public Window2d window() {
        return g;
    }

    public int filters() {
        return filters;
    }

    /** Weights {@code [filters][C][kh][kw]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [filters]}, or {@code null} when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public int[] outputShape() {
        return new int[] {filters, g.outH(), g.outW()};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        input = x;
        this.batch = batch;
        if (output.length < batch * outSize()) {
            output = new float[batch * outSize()];
        }
        compute.parallel().forRange(batch, compute.parallel().grainFor(batch, 1), forwardBody);
        return output;
    }

    private int inSize() {
        return g.channels() * g.inPlane();
    }

    private int outSize() {
        return filters * g.outPlane();
    }

    /**
     * Samples {@code [from, to)}: {@code y = W · col (+ b)}, each output's sum starting from its
     * filter's bias, with the kernels reading {@code col} from the sample as they pack it.
     */
    private void forwardSamples(int from, int to) {
        int p = g.outPlane();
        int kk = g.colRows();
        float[] w = weight.value();
        float[] b = bias == null ? null : bias.value();
        Kernels k = compute.kernels();
        for (int n = from; n < to; n++) {
            int o = n * outSize();
            k.gemmUnfolded(false, 0, filters, p, kk, w, 0, kk, input, n * inSize(), g, 0, output, o, p, false, b);
            if (reluAfter) {
                k.relu(output, output, o, o + outSize());
            }
        }
    }

    /**
     * Makes the forward pass apply the ReLU that follows ({@link Network} pairs them): each
     * sample's output is clamped at 0 right after its GEMM, while the sample (147 KB for the CNN
     * example's second convolution) is still in cache; a separate pass would read and write the
     * whole batch's output again (9.4 MB there). The backward pass never reads the output.
     */
    void takeReluForward() {
        reluAfter = true;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        this.dy = dy;
        this.batch = batch;
        var par = compute.parallel();
        int colSize = g.colRows() * g.outPlane();
        // dW[F][K] = sum over samples of dY_n[F][P] · col_n[K][P]ᵀ; with more window offsets than
        // filters, computed transposed (col_n · dY_nᵀ, UnfoldedGemmSum.swaps) so that col_n is
        // packed in runs and only dY_n is gathered. col_n is packed straight from the input, not
        // kept from the forward pass: reading a batch of unfolded samples (42 MB there) back from
        // memory cost about 10 ms of it. Split over groups of samples (see UnfoldedGemmSum and
        // convolution.md).
        int p = g.outPlane();
        // with the bias gradient: each filter's dY summed per sample in the same task, while in cache
        compute.gemmSumUnfolded(true, filters, g.colRows(), p, dy, p, outSize(), input, inSize(), g, batch,
                weight.grad(), bias == null ? null : bias.grad());
        if (!inputGrad) {
            return null;
        }
        if (gradIn.length < batch * inSize()) {
            gradIn = new float[batch * inSize()];
        }
        grain = par.grainFor(batch, 1);
        ensureScratch(batch, grain, colSize);
        transposeWeight();
        par.forRange(batch, grain, inputGradBody);
        return gradIn;
    }

    /**
     * {@code Wᵀ} into {@link #weightT}: each sample's product then packs its rows as copies, where
     * packing the transposed {@code W} gathered all of it for every sample (K·F floats, 18 K for
     * the CNN example's second convolution, 64 times per batch). Same values, same bits.
     */
    private void transposeWeight() {
        int kk = g.colRows();
        float[] w = weight.value();
        if (weightT.length < kk * filters) {
            weightT = new float[kk * filters];
        }
        compute.kernels().transpose(w, filters, kk, 0, filters, weightT);
    }

    /** dcol[K][P] = Wᵀ · dY_n, then folded back onto the input positions it came from. */
    private void inputGradSamples(int from, int to) {
        int p = g.outPlane();
        int kk = g.colRows();
        var k = compute.kernels();
        float[] dcol = scratch.get(from / grain);
        for (int n = from; n < to; n++) {
            k.gemm(false, false, 0, kk, p, filters, weightT, 0, filters, dy, n * outSize(), p, dcol, 0, p, false);
            int o = n * inSize();
            k.col2im(dcol, 0, g, gradIn, o);
            if (reluBefore) {
                k.reluBackward(input, gradIn, gradIn, o, o + inSize());
            }
        }
    }

    /**
     * Makes the backward pass do the backward pass of the ReLU before this layer ({@link Network}
     * pairs them): each sample's input gradient is gated by the input (the ReLU's output) right
     * after {@code col2im} writes it, while it is in cache (86 KB per sample for the CNN
     * example's second convolution), instead of in the ReLU's own pass over the batch. The same
     * select on the same final sums, so the same bits.
     */
    void takeReluBackward() {
        reluBefore = true;
    }

    /** One buffer per chunk of {@code forRange(batch, grain)}; grows, never shrinks. */
    private void ensureScratch(int batch, int grain, int size) {
        int chunks = (batch + grain - 1) / grain;
        for (int i = 0; i < scratch.size(); i++) {
            if (scratch.get(i).length < size) {
                scratch.set(i, new float[size]);
            }
        }
        while (scratch.size() < chunks) {
            scratch.add(new float[size]);
        }
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }
}
