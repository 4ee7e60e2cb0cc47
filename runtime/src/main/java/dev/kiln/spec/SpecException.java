package dev.kiln.spec;

/**
 * A training specification that cannot be used. The message names the offending field the way
 * the POM spells it (for example {@code layers[2].units}) and what is allowed.
 */
public class SpecException extends RuntimeException {

    private final String field;

    public SpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field path, e.g. {@code optimizer.learningRate}. */
    public String field() {
        return field;
    }
}
