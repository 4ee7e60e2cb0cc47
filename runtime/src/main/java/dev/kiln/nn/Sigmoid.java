package dev.kiln.nn;

import dev.kiln.kernels.Kernels;

/** {@code y = 1/(1+exp(-x))}, element-wise and stable for large {@code |x|} (ONNX {@code Sigmoid}). */
public final class Sigmoid extends Activation {

    public Sigmoid(Compute compute, int[] shape) {
        super(compute, shape);
    }

    @Override
    public String type() {
        return "sigmoid";
    }

    @Override
    protected void apply(Kernels k, float[] x, float[] y, int from, int to) {
        k.sigmoid(x, y, from, to);
    }

    /** The derivative is a function of the output: {@code y (1 - y)}. */
    @Override
    protected void derive(Kernels k, float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        k.sigmoidBackward(y, dy, dx, from, to);
    }
}
