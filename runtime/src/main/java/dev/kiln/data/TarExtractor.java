package dev.kiln.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Minimal reader for gzip-compressed tar archives (ustar, with pax and GNU long names) that
 * extracts only the entries asked for. An archive containing an entry whose path would escape
 * the target folder is rejected as a whole: it is not trustworthy.
 */
final class TarExtractor {
  private static final int BLOCK = 512;
  /** Long-name and pax records are small; a huge one is corruption. */
  private static final long MAX_META = 1 << 20;

  private TarExtractor() {}

  /**
   * @param tgz gzip-compressed tar file
   * @param targetDir where entries are written, at their path inside the archive
   * @param wanted archive paths of the regular-file entries to extract
   * @param maxSize largest accepted entry size, a bound against corrupt headers
   * @return archive path to extracted file, for the wanted entries that were found
   */
  static Map<String, Path> extract(Path tgz, Path targetDir, Set<String> wanted, long maxSize)
      throws IOException {
    Path root = targetDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    Map<String, Path> extracted = new HashMap<>();
    byte[] h = new byte[BLOCK];
    try (InputStream in = new BufferedInputStream(
        new GZIPInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
      String longName = null;
      while (readBlock(in, h)) {
        if (isZero(h)) {
          break; // end-of-archive marker
        }
        checkChecksum(tgz, h);
        byte type = h[156];
        long size = octal(tgz, h, 124, 12);
        if (type == 'x' || type == 'L') {
          if (size > MAX_META) {
            throw new DatasetException(tgz + ": oversized tar metadata record (" + size + " bytes)");
          }
          byte[] meta = in.readNBytes((int) size);
          if (meta.length != size) {
            throw new EOFException(tgz + ": truncated tar metadata record");
          }
          skip(in, padding(size));
          String name = type == 'L' ? cString(meta, 0, meta.length) : paxPath(meta);
          if (name != null) {
            longName = name;
          }
          continue;
        }
        String name = longName != null ? longName : headerName(h);
        longName = null;
        Path out = safeResolve(tgz, root, name);
        boolean regular = type == '0' || type == 0;
        if (regular && wanted.contains(name)) {
          if (size > maxSize) {
            throw new DatasetException(tgz + ": entry " + name + " has " + size
                + " bytes, expected at most " + maxSize);
          }
          Files.createDirectories(out.getParent());
          copy(in, out, size);
          extracted.put(name, out);
        } else {
          skip(in, size);
        }
        skip(in, padding(size));
      }
    }
    return extracted;
  }

  /** Rejects absolute paths and {@code ..} segments that leave {@code root}. */
  static Path safeResolve(Path archive, Path root, String name) {
    Path out;
    try {
      out = root.resolve(name).normalize();
    } catch (RuntimeException e) { // InvalidPathException, e.g. a NUL in the name
      throw new DatasetException(archive + ": invalid entry path '" + name + "'", e);
    }
    if (name.startsWith("/") || name.startsWith("\\") || !out.startsWith(root)) {
      throw new DatasetException(archive + ": entry '" + name
          + "' escapes the extraction folder, expected a relative path inside it;"
          + " archive rejected");
    }
    return out;
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? cString(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The {@code path} keyword of a pax extended header ("LEN path=VALUE\n" records). */
  private static String paxPath(byte[] meta) {
    String path = null;
    for (String rec : new String(meta, StandardCharsets.UTF_8).split("\n")) {
      int space = rec.indexOf(' ');
      if (space > 0 && rec.startsWith("path=", space + 1)) {
        path = rec.substring(space + 1 + "path=".length());
      }
    }
    return path;
  }

  private static void checkChecksum(Path tgz, byte[] h) {
    long stored = octal(tgz, h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != stored) {
      throw new DatasetException(tgz + ": corrupt tar header, checksum " + stored
          + " expected " + sum);
    }
  }

  private static long octal(Path tgz, byte[] h, int off, int len) {
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      v = v * 8 + (h[i] - '0');
    }
    for (; i < end; i++) {
      if (h[i] != ' ' && h[i] != 0) { // base-256 sizes (> 8 GB) are never legitimate here
        throw new DatasetException(tgz + ": corrupt tar header, bad octal field at " + off);
      }
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean readBlock(InputStream in, byte[] h) throws IOException {
    int n = in.readNBytes(h, 0, BLOCK);
    if (n == 0) {
      return false; // archive without end marker: tolerated, as GNU tar does
    }
    if (n < BLOCK) {
      throw new EOFException("truncated tar header");
    }
    return true;
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void skip(InputStream in, long n) throws IOException {
    in.skipNBytes(n);
  }

  private static void copy(InputStream in, Path out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
      for (long left = size; left > 0; ) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new EOFException("truncated tar entry " + out.getFileName());
        }
        os.write(buf, 0, r);
        left -= r;
      }
    }
  }
}
