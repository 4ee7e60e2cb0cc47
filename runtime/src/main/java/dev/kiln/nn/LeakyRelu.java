package dev.kiln.nn;

import dev.kiln.kernels.Kernels;

/** {@code y = x > 0 ? x : alpha·x}, element-wise (ONNX {@code LeakyRelu}). */
public final class LeakyRelu extends Activation {

    private final float alpha;

    /** @param alpha slope for negative inputs */
    public LeakyRelu(Compute compute, int[] shape, float alpha) {
        super(compute, shape);
        this.alpha = alpha;
    }

    /** The slope for negative inputs. */
    public float alpha() {
        return alpha;
    }

    @Override
    public String type() {
        return "leakyRelu";
    }

    @Override
    protected void apply(Kernels k, float[] x, float[] y, int from, int to) {
        k.leakyRelu(x, y, alpha, from, to);
    }

    /** From the input, not the output: the sign of alpha·x is not that of x when alpha < 0. */
    @Override
    protected void derive(Kernels k, float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        k.leakyReluBackward(x, dy, dx, alpha, from, to);
    }
}
