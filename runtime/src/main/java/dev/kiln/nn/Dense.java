package dev.kiln.nn;

import java.util.List;

/**
 * Fully connected layer: {@code y = x·W + b}, with {@code W} stored {@code [in][out]} (the ONNX
 * {@code Gemm} layout with {@code transB = 0}).
 */
public final class Dense implements Layer {

    private final Compute compute;
    private final int in;
    private final int out;
    private final boolean inputGrad;
    private final Parameter weight;
    private final Parameter bias;

    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];

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
        if (output.length < batch * out) {
            output = new float[batch * out];
        }
        float[] y = output;
        float[] w = weight.value();
        float[] b = bias.value();
        var k = compute.kernels();
        compute.gemmRows(batch, (from, to) -> {
            k.gemm(false, false, from, to, out, in, x, in, w, out, y, out, false);
            k.addRowVector(y, from, to, out, b);
        });
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        float[] x = input;
        var k = compute.kernels();
        // dW = xᵀ·dy : split over the rows of dW (input features), reduction over the batch stays whole
        float[] dw = weight.grad();
        compute.gemmRows(in, (from, to) -> k.gemm(true, false, from, to, out, batch, x, in, dy, out, dw, out, false));
        float[] db = bias.grad();
        compute.parallel().forRange(out, 64, (from, to) -> k.sumColumns(dy, batch, out, from, to, db));
        if (!inputGrad) {
            return null;
        }
        if (gradIn.length < batch * in) {
            gradIn = new float[batch * in];
        }
        float[] dx = gradIn;
        float[] w = weight.value();
        // dx = dy·Wᵀ : W is [in][out], so row j of W is column j of Wᵀ, contiguous over the reduction
        compute.gemmRows(batch, (from, to) -> k.gemm(false, true, from, to, in, out, dy, out, w, out, dx, in, false));
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
