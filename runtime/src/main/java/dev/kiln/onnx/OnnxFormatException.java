package dev.kiln.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not an ONNX model, or not one Kiln wrote and can read back. The message starts
 * with the file's path, so it can be shown as it is.
 */
public class OnnxFormatException extends IOException {

    private final Path file;

    /** @param message what is wrong, without the path (it is prepended) */
    public OnnxFormatException(Path file, String message) {
        this(file, message, null);
    }

    /** @param message what is wrong, without the path (it is prepended) */
    public OnnxFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
