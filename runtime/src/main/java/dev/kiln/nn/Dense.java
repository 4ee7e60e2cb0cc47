package dev.kiln.nn;

import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * Fully connected layer: {@code y = x·W + b}, with {@code W} stored {@code [in][out]} (the ONNX
 * {@code Gemm} layout with {@code transB = 0}).
 *
 * <p>A wide layer ({@code in} at least {@link #SPLIT_IN}, such as the one after a convolution's
 * flattened output) computes its forward product in {@link #PARTS} fixed parts of the input
 * features: each part's {@code x[:, part]·W[part, :]} is one task, into a partial sum of its own,
 * and the partial sums are added in part order with the bias. The pool gives each thread the
 * parts whose rows of {@code W} it updated itself in the optimizer's pass (both are split in
 * order, {@link Parallel}'s home blocks), so at 2 threads each thread reads half of {@code W},
 * where a split over the batch's rows had both threads read all of it (4.7 MB for the CNN
 * example's 9216→128 layer, out of cache at every step). That layer, {@code StepScaling}, CNN,
 * 12,800 images, 4 pairs of JVMs in turn, two parts against a split over rows, the kernels
 * reading W ahead in both ({@code Preload}): at 2 threads the forward pass took 0.55–0.59 ms
 * instead of 0.59–0.71, the update of its parameters 0.30–0.37 ms instead of 0.34–0.55, forward,
 * backward and update 2.08–2.17 ms instead of 2.13–2.54; at 1 thread 3.86–4.11 ms instead of
 * 3.74–4.03 (the partial sums' extra pass). The parts never depend on the thread count, so
 * neither do the bits; each output is a sum of the parts' chains rather than one chain.
 *
 * <p>A subclass may multiply by other weights than {@code W} while training ({@link #weights})
 * and adjust {@code dW} after it is computed ({@link #weightGradComputed}): {@link DropConnect}
 * masks both.
 */
public class Dense implements Layer {

    protected final Compute compute;
    private final int in;
    private final int out;
    private final boolean inputGrad;
    private final Parameter weight;
    private final Parameter bias;

    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The weights the last forward pass multiplied by: {@code W}, or what {@link #weights} handed instead. */
    private float[] weightsUsed;
    /** The batch size and output gradient of the current call, read by the bodies below. */
    private int batch;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody addBiasBody = this::addBiasRows;
    /** Whether a ReLU follows that this layer applies itself ({@link #takeReluForward}). */
    private boolean reluAfter;
    private final Parallel.RangeBody biasGradBody = this::biasGradColumns;

    /**
     * Input features from which the forward product is split into {@link #PARTS}: a convolution's
     * flattened output, whose {@code W} runs to megabytes and leaves the cache between steps. The
     * MLP's layers (784 and 512 inputs) stay whole.
     */
    static final int SPLIT_IN = 4096;
    /**
     * Fixed parts of a wide layer's input features: two per thread at 2 threads, one at 4.
     * Two parts measured the same as four at 2 threads ({@code StepScaling}, 4 pairs).
     */
    static final int PARTS = 4;
    /** A wide layer's part products, {@code [PARTS][batch][out]}. */
    private float[] partials = new float[0];
    private final Parallel.RangeBody partsBody = this::partProducts;

    /**
     * @param name      parameter name prefix, e.g. {@code dense0}
     * @param in        input features
     * @param out       output features
     * @param inputGrad whether {@link #backward} must compute the input gradient (false for the
     *                  first layer)
     */
    public Dense(Compute compute, String name, int in, int out, boolean inputGrad) {
        this.compute = compute;
        this.in = in;
        this.out = out;
        this.inputGrad = inputGrad;
        this.weight = Parameter.of(name + ".weight", in, out);
        this.bias = Parameter.of(name + ".bias", out);
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    /** The weights, {@code [in][out]}: what inference and export use. */
    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String type() {
        return "dense";
    }

    @Override
    public int[] outputShape() {
        return new int[] {out};
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        input = x;
        this.batch = batch;
        if (output.length < batch * out) {
            output = new float[batch * out];
        }
        weightsUsed = weights(training);
        if (wide()) {
            if (partials.length < PARTS * batch * out) {
                partials = new float[PARTS * batch * out];
            }
            compute.parallel().forRange(PARTS, 1, partsBody);
        } else {
            compute.gemm(false, false, batch, out, in, x, in, weightsUsed, out, output, out, false);
        }
        compute.rows(batch, addBiasBody);
        return output;
    }

    /** The {@code [in][out]} weights a forward pass multiplies by; {@code W} itself here. */
    protected float[] weights(boolean training) {
        return weight.value();
    }

    /** Called once {@code dW} of a backward pass is in {@code weight().grad()}; nothing to do here. */
    protected void weightGradComputed() {
    }

    /**
     * Floats of scratch the forward pass keeps for a batch of {@code batch}: the partial sums of a
     * wide layer, none for others.
     */
    public long forwardScratchFloats(long batch) {
        return wide() ? PARTS * batch * out : 0;
    }

    /** Whether the forward product is split into {@link #PARTS} ({@link #SPLIT_IN} inputs or more). */
    private boolean wide() {
        return in >= SPLIT_IN;
    }

    /** Parts {@code [from, to)} of a wide layer's product, each on this thread alone, into {@link #partials}. */
    private void partProducts(int from, int to) {
        for (int part = from; part < to; part++) {
            int k0 = partStart(part);
            int k1 = partStart(part + 1);
            compute.kernels().gemm(false, false, 0, batch, out, k1 - k0, input, k0, in, weightsUsed, k0 * out, out,
                    partials, part * batch * out, out, false);
        }
    }

    /** First input feature of {@code part}, cut as the pool cuts home blocks; {@link #PARTS} gives {@code in}. */
    private int partStart(int part) {
        return Parallel.blockStart(part, in, PARTS);
    }

    /**
     * {@code y += b} for rows {@code [from, to)} of the batch, then {@code max(0, y)} when a ReLU
     * follows; for a wide layer, {@code y} is first the sum of the part products, in part order.
     */
    private void addBiasRows(int from, int to) {
        if (wide()) {
            compute.kernels().sumColumns(partials, PARTS, batch * out, from * out, to * out, output);
        }
        compute.kernels().addRowVector(output, from, to, out, bias.value());
        if (reluAfter) {
            compute.kernels().relu(output, output, from * out, to * out);
        }
    }

    /**
     * Makes the forward pass apply the ReLU that follows ({@link Network} pairs them), to the
     * rows the bias was just added to, in the same pass.
     */
    void takeReluForward() {
        reluAfter = true;
    }

    /** {@code dW = xᵀ·dy}, {@code db} = column sums of dy, {@code dx = dy·Wᵀ} with the weights the forward pass used. */
    @Override
    public float[] backward(float[] dy, int batch) {
        this.dy = dy;
        this.batch = batch;
        // the reduction over the batch stays whole: the same bits at any split
        compute.gemm(true, false, in, out, batch, input, in, dy, out, weight.grad(), out, false);
        weightGradComputed();
        compute.parallel().forRange(out, 64, biasGradBody);
        if (!inputGrad) {
            return null;
        }
        if (gradIn.length < batch * in) {
            gradIn = new float[batch * in];
        }
        // W is [in][out], so row j of W is column j of Wᵀ, contiguous over the reduction
        compute.gemm(false, true, batch, in, out, dy, out, weightsUsed, out, gradIn, in, false);
        return gradIn;
    }

    private void biasGradColumns(int from, int to) {
        compute.kernels().sumColumns(dy, batch, out, from, to, bias.grad());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
