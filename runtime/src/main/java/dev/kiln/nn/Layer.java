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

    /**
     * Tensors the layer needs at inference that are not trained by the optimizer (e.g. batch
     * norm's running mean and variance). They are exported and read back by name like
     * {@link #parameters()}, but no optimizer ever sees them; their {@code grad} is unused.
     */
    default List<Parameter> state() {
        return List.of();
    }

    /**
     * Tells the layer which training step (0-based, counted over the whole run) the next
     * {@code forward(..., true)} belongs to. Stochastic layers (dropout, dropConnect) derive
     * their mask from the run seed, their index, this step and the element index only, so a run
     * is reproducible at any thread count. The trainer calls it before every batch; other
     * layers ignore it.
     */
    default void setStep(long step) {
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
