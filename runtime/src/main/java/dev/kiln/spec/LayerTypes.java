package dev.kiln.spec;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layer types a spec may name and the parameters each accepts, checked without building
 * anything, so a bad POM fails before a trainer JVM starts or data is loaded.
 */
public final class LayerTypes {

    /** Layer types and the parameters each accepts. */
    public static final Map<String, Set<String>> PARAMETERS = Map.of(
            "dense", Set.of("units", "init"),
            "relu", Set.of(),
            "softmax", Set.of(),
            "conv2d", WindowSpec.CONV_PARAMETERS,
            "maxPool2d", WindowSpec.POOL_PARAMETERS,
            "avgPool2d", WindowSpec.POOL_PARAMETERS,
            "globalAvgPool", Set.of(),
            "flatten", Set.of());

    /** Values of the {@code init} parameter. */
    public static final Set<String> INITIALIZERS = Set.of("he", "xavier");

    private LayerTypes() {
    }

    /** Checks type and parameters of the layer at {@code index}; errors name {@code layers[index].param}. */
    public static void check(LayerSpec spec, int index) {
        String where = "layers[" + index + "]";
        if (spec.type() == null || spec.type().isEmpty()) {
            throw new SpecException(where + ".type", "is required; allowed: " + new TreeSet<>(PARAMETERS.keySet()));
        }
        Set<String> allowed = PARAMETERS.get(spec.type());
        if (allowed == null) {
            throw new SpecException(where + ".type", "unknown layer type '" + spec.type()
                    + "'; allowed: " + new TreeSet<>(PARAMETERS.keySet()));
        }
        for (String key : spec.params().keySet()) {
            if (!allowed.contains(key)) {
                throw new SpecException(where + "." + key, "is not a parameter of " + spec.type()
                        + (allowed.isEmpty() ? " (it takes none)" : "; allowed: " + new TreeSet<>(allowed)));
            }
        }
        if (spec.type().equals("dense")) {
            positiveInt(spec, "units", index);
            String init = spec.params().getOrDefault("init", "he");
            if (!INITIALIZERS.contains(init)) {
                throw new SpecException(where + ".init", "unknown initializer '" + init + "'; allowed: "
                        + new TreeSet<>(INITIALIZERS));
            }
        }
        if (WindowSpec.TYPES.contains(spec.type())) {
            WindowSpec.parse(spec, index);
        }
    }

    /** The value of a required positive integer parameter. */
    public static int positiveInt(LayerSpec spec, String key, int index) {
        String where = "layers[" + index + "]." + key;
        String v = spec.params().get(key);
        if (v == null) {
            throw new SpecException(where, "is required for " + spec.type() + " (a positive integer)");
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new SpecException(where, "must be a positive integer, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new SpecException(where, "must be a positive integer, got '" + v + "'");
        }
    }
}
