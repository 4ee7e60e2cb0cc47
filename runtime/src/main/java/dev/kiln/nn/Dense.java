package dev.kiln.nn;

import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * Fully connected layer: {@code y = x·W + b}, with {@code W} stored {@code [in][out]} (the ONNX
 * {@code Gemm} layout with {@code transB = 0}).
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
        compute.gemm(false, false, batch, out, in, x, in, weightsUsed, out, output, out, false);
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

    /** {@code y += b} for rows {@code [from, to)} of the batch, then {@code max(0, y)} when a ReLU follows. */
    private void addBiasRows(int from, int to) {
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
