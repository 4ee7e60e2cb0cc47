package dev.kiln.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small IDX files generated in memory, so tests need no downloads. */
final class IdxFixtures {
  private IdxFixtures() {}

  static byte[] images(int count, int rows, int cols, long seed) {
    byte[] pixels = new byte[count * rows * cols];
    new Random(seed).nextBytes(pixels);
    return images(count, rows, cols, pixels);
  }

  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length).putInt(IdxReader.IMAGES_MAGIC).putInt(count)
        .putInt(rows).putInt(cols).put(pixels).array();
  }

  static byte[] labels(int count, int numClasses, long seed) {
    Random r = new Random(seed);
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) r.nextInt(numClasses);
    }
    return labels(labels);
  }

  static byte[] labels(byte[] labels) {
    return ByteBuffer.allocate(8 + labels.length).putInt(IdxReader.LABELS_MAGIC)
        .putInt(labels.length).put(labels).array();
  }

  static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(data);
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
