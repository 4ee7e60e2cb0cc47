package dev.kiln.nn;

/** {@code y = 1/(1+exp(-x))}, element-wise and stable for large {@code |x|} (ONNX {@code Sigmoid}). */
public final class Sigmoid implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int features;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];

    public Sigmoid(Compute compute, int[] shape) {
        this.compute = compute;
        this.shape = shape.clone();
        this.features = Layer.size(shape);
    }

    @Override
    public String type() {
        return "sigmoid";
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
        float[] y = output;
        compute.elementwise(n, (from, to) -> compute.kernels().sigmoid(x, y, from, to));
        return y;
    }

    /** The derivative is a function of the output, so the input is not kept. */
    @Override
    public float[] backward(float[] dy, int batch) {
        int n = batch * features;
        if (gradIn.length < n) {
            gradIn = new float[n];
        }
        float[] dx = gradIn;
        float[] y = output;
        compute.elementwise(n, (from, to) -> compute.kernels().sigmoidBackward(y, dy, dx, from, to));
        return dx;
    }
}
