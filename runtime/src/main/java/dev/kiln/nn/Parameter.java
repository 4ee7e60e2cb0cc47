package dev.kiln.nn;

/**
 * A trainable tensor with its gradient, owned by one layer.
 *
 * @param name  stable name, used for ONNX initializers (e.g. {@code dense0.weight})
 * @param shape dimensions, row-major
 * @param value the values
 * @param grad  the gradient of the loss for the last backward pass, same length as {@code value}
 */
public record Parameter(String name, int[] shape, float[] value, float[] grad) {

    public static Parameter of(String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return new Parameter(name, shape.clone(), new float[n], new float[n]);
    }

    public int size() {
        return value.length;
    }
}
