package dev.kiln.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer remembers between steps, for checkpoints: its name, the number of steps taken
 * and its per-parameter buffers by name (e.g. {@code m/dense0.weight}). A run resumed from it
 * continues exactly as the run that exported it would have.
 *
 * @param optimizer the optimizer's spec name ({@code adam}, {@code sgd})
 * @param steps     steps taken so far (Adam's bias correction depends on it)
 * @param tensors   buffers by name, in a stable order; the arrays are copies
 */
public record OptimizerState(String optimizer, long steps, Map<String, float[]> tensors) {

    /** Keeps the order of {@code tensors}. */
    public OptimizerState {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * The buffer {@code name}, which must have {@code length} elements.
     *
     * @throws IllegalArgumentException when it is missing or has another length
     */
    public float[] tensor(String name, int length) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the " + optimizer + " state has no tensor " + name);
        }
        if (t.length != length) {
            throw new IllegalArgumentException("the " + optimizer + " state tensor " + name + " has " + t.length
                    + " values, the parameter " + length);
        }
        return t;
    }
}
