package dev.kiln.spec;

import java.util.Map;
import java.util.TreeMap;

/**
 * One layer as configured: a type ({@code dense}, {@code relu}, {@code softmax}, ...) and its
 * parameters as strings, exactly as the POM gave them. {@link dev.kiln.nn.LayerFactory} checks
 * them against what the type allows.
 *
 * @param type   layer type name
 * @param params parameter name to value; kept sorted so the canonical form is stable
 */
public record LayerSpec(String type, Map<String, String> params) {

    public LayerSpec {
        type = type == null ? null : type.trim();
        params = Map.copyOf(new TreeMap<>(params == null ? Map.of() : params));
    }

    /** Convenience for code and tests: {@code LayerSpec.of("dense", "units", "512")}. */
    public static LayerSpec of(String type, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new LayerSpec(type, m);
    }

    /** Sorted parameters, for canonical output. */
    public TreeMap<String, String> sortedParams() {
        return new TreeMap<>(params);
    }
}
