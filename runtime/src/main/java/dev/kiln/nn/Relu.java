package dev.kiln.nn;

import dev.kiln.kernels.Kernels;

/** {@code y = max(0, x)}, element-wise (ONNX {@code Relu}). */
public final class Relu extends Activation {

    public Relu(Compute compute, int[] shape) {
        super(compute, shape);
    }

    @Override
    public String type() {
        return "relu";
    }

    @Override
    protected void apply(Kernels k, float[] x, float[] y, int from, int to) {
        k.relu(x, y, from, to);
    }

    @Override
    protected void derive(Kernels k, float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        k.reluBackward(y, dy, dx, from, to);
    }
}
