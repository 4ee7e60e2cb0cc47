package dev.kiln.train;

/**
 * A checkpoint that cannot be used to resume: unreadable, corrupt, or written for another
 * configuration, dataset or Kiln version. The message names the file and what is wrong.
 */
public class CheckpointException extends RuntimeException {

    /** @param message names the checkpoint file and the problem */
    public CheckpointException(String message) {
        super(message);
    }

    /** @param message names the checkpoint file and the problem */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
