package dev.kiln.nn;

import java.util.List;

/**
 * One layer of a network. A layer owns its parameters, their gradients and whatever it caches
 * from {@link #forward} for {@link #backward}. Buffers are sized once per batch size, never per
 * step. Activations are row-major {@code [batch][features]} {@code float[]} arrays; the returned
 * arrays belong to the layer and stay valid until its next call.
 */
public interface Layer {

    /** The type name used in the POM, e.g. {@code dense}. */
    String type();

    /** Per-sample output shape for the per-sample input shape this layer was built with. */
    int[] outputShape();

    /** Forward pass over {@code batch} samples; {@code training} enables dropout and the like. */
    float[] forward(float[] in, int batch, boolean training);

    /**
     * Backward pass for the last forward call: accumulates nothing, overwrites parameter
     * gradients, and returns the gradient with respect to the input (or {@code null} when this
     * is the first layer and nobody needs it).
     */
    float[] backward(float[] gradOut, int batch);

    /** Trainable parameters, empty for parameter-free layers. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Number of elements in a per-sample shape. */
    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
