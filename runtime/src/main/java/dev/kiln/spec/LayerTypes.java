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
    public static final Map<String, Set<String>> PARAMETERS = Map.ofEntries(
            Map.entry("dense", Set.of("units", "init")),
            Map.entry("relu", Set.of()),
            Map.entry("softmax", Set.of()),
            Map.entry("leakyRelu", Set.of("alpha")),
            Map.entry("tanh", Set.of()),
            Map.entry("sigmoid", Set.of()),
            Map.entry("dropout", Set.of("rate")),
            Map.entry("dropConnect", Set.of("units", "rate", "init")),
            Map.entry("batchNorm", Set.of("momentum", "epsilon")),
            Map.entry("conv2d", WindowSpec.CONV_PARAMETERS),
            Map.entry("maxPool2d", WindowSpec.POOL_PARAMETERS),
            Map.entry("avgPool2d", WindowSpec.POOL_PARAMETERS),
            Map.entry("globalAvgPool", Set.of()),
            Map.entry("flatten", Set.of()));

    /** Default slope of {@code leakyRelu} for negative inputs. */
    public static final double LEAKY_RELU_ALPHA = 0.01;
    /** Default {@code batchNorm} momentum (PyTorch convention: weight of the batch statistics). */
    public static final double BATCH_NORM_MOMENTUM = 0.1;
    /** Default {@code batchNorm} epsilon. */
    public static final double BATCH_NORM_EPSILON = 1e-5;

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
        checkRegularization(spec, index);
    }

    /** Parameters of the activation, dropout and normalization layers. */
    private static void checkRegularization(LayerSpec spec, int index) {
        switch (spec.type()) {
            case "leakyRelu" -> alpha(spec, index);
            case "dropout" -> rate(spec, index);
            case "dropConnect" -> {
                positiveInt(spec, "units", index);
                rate(spec, index);
                String init = spec.params().getOrDefault("init", "he");
                if (!INITIALIZERS.contains(init)) {
                    throw new SpecException("layers[" + index + "].init", "unknown initializer '" + init
                            + "'; allowed: " + new TreeSet<>(INITIALIZERS));
                }
            }
            case "batchNorm" -> {
                momentum(spec, index);
                epsilon(spec, index);
            }
            default -> { }
        }
    }

    /** {@code leakyRelu}'s slope for negative inputs: any finite number, default {@value #LEAKY_RELU_ALPHA}. */
    public static double alpha(LayerSpec spec, int index) {
        return number(spec, "alpha", index, LEAKY_RELU_ALPHA, -Float.MAX_VALUE, true, Float.MAX_VALUE,
                "a finite number");
    }

    /** {@code batchNorm}'s momentum in {@code [0, 1]}, default {@value #BATCH_NORM_MOMENTUM}. */
    public static double momentum(LayerSpec spec, int index) {
        return number(spec, "momentum", index, BATCH_NORM_MOMENTUM, 0, true, 1, "a number from 0 to 1");
    }

    /** {@code batchNorm}'s epsilon, positive, default {@value #BATCH_NORM_EPSILON}. */
    public static double epsilon(LayerSpec spec, int index) {
        return number(spec, "epsilon", index, BATCH_NORM_EPSILON, 0, false, Float.MAX_VALUE, "a positive number");
    }

    /** The required drop probability of {@code dropout} or {@code dropConnect}, in {@code [0, 1)}. */
    public static double rate(LayerSpec spec, int index) {
        String where = "layers[" + index + "].rate";
        if (spec.params().get("rate") == null) {
            throw new SpecException(where, "is required for " + spec.type()
                    + " (the drop probability, at least 0 and below 1)");
        }
        double r = number(spec, "rate", index, 0, 0, true, Double.POSITIVE_INFINITY, "a number at least 0 and below 1");
        if (r >= 1) {
            throw new SpecException(where, "must be below 1 (1 would drop everything), got " + spec.params().get("rate"));
        }
        return r;
    }

    /**
     * The value of an optional number parameter, {@code fallback} when absent; it must be finite,
     * above {@code min} (or equal to it when {@code minIncluded}) and at most {@code max}.
     */
    public static double number(LayerSpec spec, String key, int index, double fallback, double min,
                                boolean minIncluded, double max, String expected) {
        String where = "layers[" + index + "]." + key;
        String v = spec.params().get(key);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new SpecException(where, "must be " + expected + ", got '" + v + "'");
        }
        if (!Double.isFinite(d) || d < min || (d == min && !minIncluded) || d > max) {
            throw new SpecException(where, "must be " + expected + ", got " + v);
        }
        return d;
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
