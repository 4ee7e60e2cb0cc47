package dev.kiln.nn;

import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.SpecException;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link LayerSpec} into a layer, checking the type and every parameter against what
 * that type allows. Errors name the POM element ({@code layers[i].param}).
 */
public final class LayerFactory {

    /** Layer types and the parameters each accepts. */
    public static final Map<String, Set<String>> TYPES = Map.of(
            "dense", Set.of("units", "init"),
            "relu", Set.of(),
            "softmax", Set.of());

    private LayerFactory() {
    }

    /**
     * @param index      position in the layer list, for error messages and parameter names
     * @param inputShape per-sample input shape
     * @param first      whether this is the first layer (no input gradient needed)
     */
    public static Layer create(Compute compute, LayerSpec spec, int index, int[] inputShape,
                               boolean first, long seed) {
        String where = "layers[" + index + "]";
        if (spec.type() == null || spec.type().isEmpty()) {
            throw new SpecException(where + ".type", "is required; allowed: " + new TreeSet<>(TYPES.keySet()));
        }
        Set<String> allowed = TYPES.get(spec.type());
        if (allowed == null) {
            throw new SpecException(where + ".type", "unknown layer type '" + spec.type()
                    + "'; allowed: " + new TreeSet<>(TYPES.keySet()));
        }
        for (String key : spec.params().keySet()) {
            if (!allowed.contains(key)) {
                throw new SpecException(where + "." + key, "is not a parameter of " + spec.type()
                        + (allowed.isEmpty() ? " (it takes none)" : "; allowed: " + new TreeSet<>(allowed)));
            }
        }
        return switch (spec.type()) {
            case "dense" -> dense(compute, spec, index, where, inputShape, first, seed);
            case "relu" -> new Relu(compute, inputShape);
            case "softmax" -> new Softmax(compute, inputShape);
            default -> throw new IllegalStateException(spec.type());
        };
    }

    private static Dense dense(Compute compute, LayerSpec spec, int index, String where, int[] inputShape,
                               boolean first, long seed) {
        int units = positiveInt(spec, "units", where, null);
        String init = spec.params().getOrDefault("init", "he");
        if (!Initializer.NAMES.contains(init)) {
            throw new SpecException(where + ".init", "unknown initializer '" + init + "'; allowed: "
                    + new TreeSet<>(Initializer.NAMES));
        }
        int in = Layer.size(inputShape);
        Dense d = new Dense(compute, "layer" + index + "_dense", in, units, !first);
        Initializer.fill(d.weight().value(), init, in, units, seed, index);
        return d;
    }

    static int positiveInt(LayerSpec spec, String key, String where, Integer dflt) {
        String v = spec.params().get(key);
        if (v == null) {
            if (dflt != null) {
                return dflt;
            }
            throw new SpecException(where + "." + key, "is required for " + spec.type() + " (a positive integer)");
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new SpecException(where + "." + key, "must be a positive integer, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new SpecException(where + "." + key, "must be a positive integer, got '" + v + "'");
        }
    }
}
