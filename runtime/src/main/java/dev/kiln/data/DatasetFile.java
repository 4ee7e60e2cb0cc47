package dev.kiln.data;

import java.util.Locale;

/**
 * One file of a dataset as it is stored in the cache: uncompressed, with a known size and SHA-256.
 *
 * @param name file name inside the dataset's cache folder, e.g. {@code train-images-idx3-ubyte}
 * @param size uncompressed length in bytes; bounds downloads and decompression
 * @param sha256 lower-case hex SHA-256 of the uncompressed file
 */
public record DatasetFile(String name, long size, String sha256) {
  /** Validates eagerly: a typo in a checksum table should fail at startup, not after a download. */
  public DatasetFile {
    if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\")
        || name.startsWith(".")) {
      throw new IllegalArgumentException("bad dataset file name: " + name);
    }
    if (size <= 0) {
      throw new IllegalArgumentException("size of " + name + " must be positive: " + size);
    }
    if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("sha256 of " + name + " must be 64 hex digits: " + sha256);
    }
    sha256 = sha256.toLowerCase(Locale.ROOT);
  }
}
