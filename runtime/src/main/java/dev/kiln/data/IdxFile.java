package dev.kiln.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One open IDX file: reads the header, then a payload whose size was declared by the header.
 * Sizes are checked against what the file can hold before anything large is allocated, so garbage
 * input fails fast with a {@link DatasetException} instead of an OutOfMemoryError.
 */
final class IdxFile implements AutoCloseable {
  /** Largest Java byte array that every JVM allocates. */
  static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;
  /** Deflate cannot expand data by more than about 1032:1, so a bigger declared size is a lie. */
  static final long MAX_GZIP_RATIO = 1032;
  /** Below this, growing the buffer is not worth it; the declared size is allocated directly. */
  private static final int FIRST_CHUNK = 1 << 20;

  private final Path path;
  private final boolean gzip;
  private final long fileLength;
  private final InputStream in;
  private long headerLength;

  private IdxFile(Path path, boolean gzip, long fileLength, InputStream in) {
    this.path = path;
    this.gzip = gzip;
    this.fileLength = fileLength;
    this.in = in;
  }

  static IdxFile open(Path path) {
    try {
      boolean gz = Gzip.isGzip(path);
      long length = Files.size(path);
      return new IdxFile(path, gz, length, Gzip.open(path));
    } catch (NoSuchFileException e) {
      throw new DatasetException(path + ": file not found");
    } catch (IOException e) {
      throw new DatasetException(path + ": cannot open (" + e + ")", e);
    }
  }

  Path path() {
    return path;
  }

  /**
   * Reads the magic number and {@code dims} big-endian dimension sizes.
   *
   * @param expectedMagic e.g. {@code 0x00000803}
   * @param kind what the file should be, for the message, e.g. "IDX images"
   */
  int[] header(int expectedMagic, int dims, String kind) {
    int length = 4 + 4 * dims;
    byte[] h = new byte[length];
    // Magic first: a wrong file type is the likelier story than a short header.
    int n = readUpTo(h, 0, 4);
    if (n == 4) {
      int magic = intAt(h, 0);
      if (magic != expectedMagic) {
        throw new DatasetException(String.format(
            "%s: bad magic number 0x%08X, expected 0x%08X (%s)%s",
            path, magic, expectedMagic, kind, hintFor(magic)));
      }
      n += readUpTo(h, 4, length - 4);
    }
    if (n < length) {
      throw new DatasetException(path + ": truncated, expected a " + length + "-byte header ("
          + kind + ") but found only " + n + " bytes");
    }
    headerLength = length;
    int[] sizes = new int[dims];
    for (int i = 0; i < dims; i++) {
      sizes[i] = intAt(h, 4 + 4 * i);
    }
    return sizes;
  }

  /** Reads exactly {@code declared} payload bytes and checks that nothing follows them. */
  byte[] payload(long declared, String what) {
    if (declared > MAX_PAYLOAD) {
      throw new DatasetException(path + ": declares " + what + " = " + declared
          + " bytes, more than the supported maximum of " + MAX_PAYLOAD);
    }
    if (!gzip && fileLength != headerLength + declared) {
      throw new DatasetException(path + ": declares " + what + " = " + declared + " bytes after the "
          + headerLength + "-byte header, so expected a file of " + (headerLength + declared)
          + " bytes, but the file has " + fileLength + " bytes"
          + (fileLength < headerLength + declared ? " (truncated)" : " (trailing data)"));
    }
    if (gzip && declared > fileLength * MAX_GZIP_RATIO) {
      throw new DatasetException(path + ": declares " + what + " = " + declared
          + " bytes, which cannot fit in a gzip file of " + fileLength + " bytes");
    }
    // Grow the buffer as gzip data actually arrives, so a lying header costs little memory.
    byte[] buf = new byte[(int) (gzip ? Math.min(declared, FIRST_CHUNK) : declared)];
    int n = 0;
    while (n < declared) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(declared, 2L * buf.length));
      }
      int r = readUpTo(buf, n, buf.length - n);
      if (r < buf.length - n) {
        throw new DatasetException(path + ": truncated, declares " + what + " = " + declared
            + " bytes after the header but only " + (n + r) + " are present");
      }
      n += r;
    }
    if (readUpTo(new byte[1], 0, 1) != 0) {
      throw new DatasetException(path + ": longer than declared, expected " + what + " = "
          + declared + " bytes after the header but more data follows");
    }
    return buf;
  }

  /** Reads until {@code len} bytes or end of data; I/O and gzip errors become DatasetExceptions. */
  private int readUpTo(byte[] b, int off, int len) {
    int n = 0;
    try {
      while (n < len) {
        int r = in.read(b, off + n, len - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return n;
    } catch (EOFException e) {
      throw new DatasetException(path + ": truncated gzip data (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new DatasetException(path + ": corrupt " + (gzip ? "gzip " : "") + "data ("
          + e.getMessage() + ")", e);
    }
  }

  private static int intAt(byte[] b, int i) {
    return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
  }

  /** Common mix-ups get a hint, because "bad magic" alone does not tell a user what to do. */
  private static String hintFor(int magic) {
    if (magic == IdxReader.LABELS_MAGIC) {
      return "; this looks like a label file";
    }
    if (magic == IdxReader.IMAGES_MAGIC) {
      return "; this looks like an image file";
    }
    return "";
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // Read-only file: nothing was lost by a failing close.
    }
  }
}
