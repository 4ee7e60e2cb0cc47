package dev.kiln.train;

/** Training stopped because the loss or the weights stopped being finite. */
public class DivergenceException extends RuntimeException {

    public DivergenceException(String message) {
        super(message);
    }
}
