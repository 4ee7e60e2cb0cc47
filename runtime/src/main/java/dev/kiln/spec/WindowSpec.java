package dev.kiln.spec;

import java.util.Set;
import java.util.TreeSet;

/**
 * The sliding-window parameters of {@code conv2d}, {@code maxPool2d} and {@code avgPool2d} as the
 * POM gives them: window ({@code kernel} or {@code size}, {@code 3} or {@code 3x5}), {@code stride}
 * ({@code 2} or {@code 2x1}) and {@code padding} ({@code valid}, {@code same}, or explicit
 * symmetric {@code 1} / {@code 1x2}). Parsed and checked here without the input shape; the
 * padding is resolved against the input by {@link #pads}.
 *
 * @param kh       window height
 * @param kw       window width
 * @param sh       vertical stride
 * @param sw       horizontal stride
 * @param padding  {@code valid}, {@code same} or {@code explicit}
 * @param ph       explicit rows of padding on each side (0 unless explicit)
 * @param pw       explicit columns of padding on each side (0 unless explicit)
 * @param sizeKey  the parameter that named the window, for error messages
 */
public record WindowSpec(int kh, int kw, int sh, int sw, String padding, int ph, int pw, String sizeKey) {

    /** Layer types with window parameters. */
    public static final Set<String> TYPES = Set.of("conv2d", "maxPool2d", "avgPool2d");

    /** Parameters of {@code conv2d}. */
    public static final Set<String> CONV_PARAMETERS = Set.of("filters", "kernel", "stride", "padding", "bias", "init");

    /** Parameters of {@code maxPool2d} and {@code avgPool2d}. */
    public static final Set<String> POOL_PARAMETERS = Set.of("size", "stride", "padding");

    /**
     * Parses and checks the window parameters of the layer at {@code index} (and, for
     * {@code conv2d}, {@code filters}, {@code bias} and {@code init}); errors name
     * {@code layers[index].param}.
     */
    public static WindowSpec parse(LayerSpec spec, int index) {
        boolean conv = spec.type().equals("conv2d");
        String where = "layers[" + index + "].";
        if (conv) {
            LayerTypes.positiveInt(spec, "filters", index);
            String bias = spec.params().getOrDefault("bias", "true").trim();
            if (!bias.equals("true") && !bias.equals("false")) {
                throw new SpecException(where + "bias", "must be true or false, got '" + bias + "'");
            }
            String init = spec.params().getOrDefault("init", "he");
            if (!LayerTypes.INITIALIZERS.contains(init)) {
                throw new SpecException(where + "init", "unknown initializer '" + init + "'; allowed: "
                        + new TreeSet<>(LayerTypes.INITIALIZERS));
            }
        }
        String sizeKey = conv ? "kernel" : "size";
        String size = spec.params().get(sizeKey);
        if (size == null) {
            throw new SpecException(where + sizeKey, "is required for " + spec.type()
                    + " (a positive integer like 3, or HxW like 3x5)");
        }
        int[] k = pair(size, where + sizeKey, 1);
        // Pooling windows usually do not overlap: the stride defaults to the window.
        String strideText = spec.params().get("stride");
        int[] s = strideText == null ? (conv ? new int[] {1, 1} : k) : pair(strideText, where + "stride", 1);
        String pad = spec.params().getOrDefault("padding", "valid").trim();
        if (pad.equals("valid") || pad.equals("same")) {
            return new WindowSpec(k[0], k[1], s[0], s[1], pad, 0, 0, sizeKey);
        }
        int[] p;
        try {
            p = pair(pad, where + "padding", 0);
        } catch (SpecException e) {
            throw new SpecException(where + "padding", "must be valid, same, or rows of padding per side like 1 or 1x2, got '"
                    + pad + "'");
        }
        // ONNX Runtime rejects pooling pads as large as the window (such a window could see only padding).
        if (!conv && (p[0] >= k[0] || p[1] >= k[1])) {
            throw new SpecException(where + "padding", "explicit padding " + pad + " must be smaller than the window "
                    + size + " for " + spec.type());
        }
        return new WindowSpec(k[0], k[1], s[0], s[1], "explicit", p[0], p[1], sizeKey);
    }

    /** {@code 3} → {3, 3}, {@code 3x5} → {3, 5}; each at least {@code min}. */
    private static int[] pair(String text, String where, int min) {
        String t = text.trim();
        String[] parts = t.split("x", -1);
        if (parts.length > 2) {
            throw bad(where, text, min);
        }
        int[] v = new int[2];
        try {
            v[0] = Integer.parseInt(parts[0].trim());
            v[1] = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : v[0];
        } catch (NumberFormatException e) {
            throw bad(where, text, min);
        }
        if (v[0] < min || v[1] < min) {
            throw bad(where, text, min);
        }
        return v;
    }

    private static SpecException bad(String where, String text, int min) {
        return new SpecException(where, "must be " + (min > 0 ? "a positive integer" : "a non-negative integer")
                + " like 3, or HxW like 3x5, got '" + text + "'");
    }

    /**
     * Padding {@code {top, left, bottom, right}} for an {@code inH × inW} input. {@code same}
     * makes the output {@code ceil(in / stride)} with the odd row or column of padding at the
     * end (ONNX {@code SAME_UPPER}).
     */
    public int[] pads(int inH, int inW) {
        return switch (padding) {
            case "valid" -> new int[4];
            case "explicit" -> new int[] {ph, pw, ph, pw};
            default -> {
                int th = samePad(inH, kh, sh);
                int tw = samePad(inW, kw, sw);
                yield new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
            }
        };
    }

    private static int samePad(int in, int k, int s) {
        int out = (in + s - 1) / s;
        return Math.max(0, (out - 1) * s + k - in);
    }
}
