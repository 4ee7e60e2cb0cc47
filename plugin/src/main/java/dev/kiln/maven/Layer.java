package dev.kiln.maven;

import dev.kiln.spec.LayerSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code <layer>} inside {@code <layers>}:
 * <pre>{@code
 * <layer><type>conv2d</type><filters>32</filters><kernel>3</kernel><padding>same</padding></layer>
 * <layer><type>dense</type><units>128</units><init>he</init></layer>
 * <layer><type>dropout</type><rate>0.5</rate></layer>
 * }</pre>
 * Fields left out stay {@code null} and are not passed on, so the runtime applies its own
 * defaults and reports parameters a type does not take. Values are kept as text: the runtime
 * parses and checks them, so every layer's errors read the same way.
 */
public class Layer {

    /** Layer type, e.g. {@code dense}, {@code conv2d}, {@code maxPool2d}, {@code relu}, {@code softmax}. */
    private String type;

    /** Output size of a {@code dense} or {@code dropConnect} layer; a positive integer. */
    private Integer units;

    /** Weight initializer: {@code he} (default) or {@code xavier}. */
    private String init;

    /** Output channels of a {@code conv2d} layer. */
    private String filters;

    /** Convolution window: {@code 3} or {@code 3x5} (height x width). */
    private String kernel;

    /** Step of a convolution or pooling window: {@code 2} or {@code 2x1}. */
    private String stride;

    /** {@code valid}, {@code same}, or explicit symmetric padding such as {@code 1} or {@code 1x2}. */
    private String padding;

    /** Whether a {@code conv2d} layer has a bias ({@code true} by default). */
    private String bias;

    /** Pooling window: {@code 2} or {@code 2x3}. */
    private String size;

    /** Drop rate of {@code dropout} and {@code dropConnect}, in {@code [0, 1)}. */
    private String rate;

    /** Negative slope of {@code leakyRelu}. */
    private String alpha;

    /** Running-statistics momentum of {@code batchNorm}. */
    private String momentum;

    /** Variance guard of {@code batchNorm}. */
    private String epsilon;

    /** For Maven, which fills the fields from the POM. */
    public Layer() {
    }

    /** For code and tests; {@code null} means "not configured". */
    public Layer(String type, Integer units, String init) {
        this.type = type;
        this.units = units;
        this.init = init;
    }

    /** For code and tests: a layer with parameters given as name/value pairs. */
    public static Layer of(String type, String... keyValues) {
        Layer l = new Layer(type, null, null);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            String v = keyValues[i + 1];
            switch (keyValues[i]) {
                case "units" -> l.units = Integer.valueOf(v);
                case "init" -> l.init = v;
                case "filters" -> l.filters = v;
                case "kernel" -> l.kernel = v;
                case "stride" -> l.stride = v;
                case "padding" -> l.padding = v;
                case "bias" -> l.bias = v;
                case "size" -> l.size = v;
                case "rate" -> l.rate = v;
                case "alpha" -> l.alpha = v;
                case "momentum" -> l.momentum = v;
                case "epsilon" -> l.epsilon = v;
                default -> throw new IllegalArgumentException("no <" + keyValues[i] + "> in <layer>");
            }
        }
        return l;
    }

    /** This layer as the runtime's {@link LayerSpec}, with only the configured parameters. */
    public LayerSpec toSpec() {
        Map<String, String> params = new LinkedHashMap<>();
        if (units != null) {
            params.put("units", units.toString());
        }
        put(params, "init", init);
        put(params, "filters", filters);
        put(params, "kernel", kernel);
        put(params, "stride", stride);
        put(params, "padding", padding);
        put(params, "bias", bias);
        put(params, "size", size);
        put(params, "rate", rate);
        put(params, "alpha", alpha);
        put(params, "momentum", momentum);
        put(params, "epsilon", epsilon);
        return new LayerSpec(type, params);
    }

    private static void put(Map<String, String> params, String key, String value) {
        if (value != null) {
            params.put(key, value.trim());
        }
    }

    @Override
    public String toString() {
        return toSpec().toString();
    }
}
