package dev.kiln.nn;

/**
 * {@code [C][H][W]} → {@code [C·H·W]} (ONNX {@code Flatten} with {@code axis = 1}). Activations
 * are already stored flat per sample, so both passes hand their argument through unchanged.
 */
public final class Flatten implements Layer {

    private final int features;

    public Flatten(int[] inputShape) {
        this.features = Layer.size(inputShape);
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public int[] outputShape() {
        return new int[] {features};
    }

    @Override
    public float[] forward(float[] in, int batch, boolean training) {
        return in;
    }

    @Override
    public float[] backward(float[] gradOut, int batch) {
        return gradOut;
    }
}
