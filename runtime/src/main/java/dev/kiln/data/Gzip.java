package dev.kiln.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a file that may or may not be gzip-compressed; decided by content, since names lie. */
final class Gzip {
  private Gzip() {}

  /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
  static boolean isGzip(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** A buffered stream of the file's uncompressed content. */
  static InputStream open(Path p) throws IOException {
    boolean gz = isGzip(p);
    InputStream raw = Files.newInputStream(p);
    try {
      return gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
          : new BufferedInputStream(raw, 1 << 16);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
