package dev.kiln.nn;

import dev.kiln.kernels.Kernels;

/** {@code y = tanh(x)}, element-wise (ONNX {@code Tanh}). */
public final class Tanh extends Activation {

    public Tanh(Compute compute, int[] shape) {
        super(compute, shape);
    }

    @Override
    public String type() {
        return "tanh";
    }

    @Override
    protected void apply(Kernels k, float[] x, float[] y, int from, int to) {
        k.tanh(x, y, from, to);
    }

    /** The derivative is a function of the output: {@code 1 - y²}. */
    @Override
    protected void derive(Kernels k, float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        k.tanhBackward(y, dy, dx, from, to);
    }
}
