package dev.kiln.maven;

import dev.kiln.spec.LayerSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code <layer>} inside {@code <layers>}:
 * <pre>{@code
 * <layer><type>dense</type><units>128</units><init>he</init></layer>
 * <layer><type>relu</type></layer>
 * }</pre>
 * Fields left out stay {@code null} and are not passed on, so the runtime applies its own
 * defaults and reports parameters a type does not take.
 */
public class Layer {

    /** Layer type: {@code dense}, {@code relu} or {@code softmax}. */
    private String type;

    /** Output size of a {@code dense} layer; a positive integer. */
    private Integer units;

    /** Weight initializer of a {@code dense} layer: {@code he} (default) or {@code xavier}. */
    private String init;

    /** For Maven, which fills the fields from the POM. */
    public Layer() {
    }

    /** For code and tests; {@code null} means "not configured". */
    public Layer(String type, Integer units, String init) {
        this.type = type;
        this.units = units;
        this.init = init;
    }

    /** This layer as the runtime's {@link LayerSpec}, with only the configured parameters. */
    public LayerSpec toSpec() {
        Map<String, String> params = new LinkedHashMap<>();
        if (units != null) {
            params.put("units", units.toString());
        }
        if (init != null) {
            params.put("init", init.trim());
        }
        return new LayerSpec(type, params);
    }

    @Override
    public String toString() {
        return toSpec().toString();
    }
}
