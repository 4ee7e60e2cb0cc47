package dev.kiln.data;

/**
 * Every data problem: a truncated or corrupt file, a bad magic number, a checksum mismatch,
 * missing files, an out-of-range label... The message names the file and what was expected,
 * because it is usually shown to a user who has to act on it.
 */
public class DatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message names the file and what was expected vs found */
  public DatasetException(String message) {
    super(message);
  }

  /**
   * @param message names the file and what was expected vs found
   * @param cause the underlying I/O or format error
   */
  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
