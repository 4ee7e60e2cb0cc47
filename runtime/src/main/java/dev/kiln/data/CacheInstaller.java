package dev.kiln.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Moves a fetched file into the cache only after it proved to be the expected one. It is
 * decompressed into a temp file in the cache folder (same file system, so the final move is
 * atomic) and a file that fails verification is deleted, never renamed into place.
 */
final class CacheInstaller {
  private CacheInstaller() {}

  /**
   * @param fetched raw or gzip file from a source
   * @param file what it must decompress to
   * @param dir the dataset's cache folder
   * @param origin who supplied it, for the error message
   * @return the installed file {@code dir/file.name()}
   * @throws DatasetException when size or SHA-256 differ from {@code file}
   * @throws IOException when the data cannot be read or written (e.g. corrupt gzip)
   */
  static Path install(Path fetched, DatasetFile file, Path dir, String origin) throws IOException {
    Path target = dir.resolve(file.name());
    Path tmp = Files.createTempFile(dir, "." + file.name() + ".", ".part");
    boolean installed = false;
    try {
      MessageDigest md = Sha256.newDigest();
      long written = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = Gzip.open(fetched); OutputStream out = Files.newOutputStream(tmp)) {
        // Stop one byte past the expected size: enough to know it is wrong, bounded for bombs.
        for (int r; written <= file.size() && (r = in.read(buf)) > 0; written += r) {
          md.update(buf, 0, r);
          out.write(buf, 0, r);
        }
      }
      String actual = Sha256.hex(md.digest());
      if (written != file.size() || !actual.equals(file.sha256())) {
        String found = written > file.size() ? "more than " + file.size() + " bytes"
            : "sha256 " + actual + " (" + written + " bytes)";
        throw new DatasetException(file.name() + " from " + origin
            + " failed verification: expected sha256 " + file.sha256() + " (" + file.size()
            + " bytes), actual " + found + "; it was not put into " + dir);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true); // durable before it becomes visible under its final name
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      installed = true;
      return target;
    } finally {
      if (!installed) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
