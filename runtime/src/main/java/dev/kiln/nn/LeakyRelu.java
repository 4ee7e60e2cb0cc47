package dev.kiln.nn;

/** {@code y = x > 0 ? x : alpha·x}, element-wise (ONNX {@code LeakyRelu}). */
public final class LeakyRelu implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int features;
    private final float alpha;
    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];

    /** @param alpha slope for negative inputs */
    public LeakyRelu(Compute compute, int[] shape, float alpha) {
        this.compute = compute;
        this.shape = shape.clone();
        this.features = Layer.size(shape);
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
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        int n = batch * features;
        if (output.length < n) {
            output = new float[n];
        }
        input = x;
        float[] y = output;
        compute.elementwise(n, (from, to) -> compute.kernels().leakyRelu(x, y, alpha, from, to));
        return y;
    }

    @Override
    public float[] backward(float[] dy, int batch) {
        int n = batch * features;
        if (gradIn.length < n) {
            gradIn = new float[n];
        }
        float[] dx = gradIn;
        // From the input, not the output: the sign of alpha·x is not that of x when alpha < 0.
        float[] x = input;
        compute.elementwise(n, (from, to) -> compute.kernels().leakyReluBackward(x, dy, dx, alpha, from, to));
        return dx;
    }
}
