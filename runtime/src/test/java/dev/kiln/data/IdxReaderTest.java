package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  private DatasetException fails(Path images, Path labels) {
    return assertThrows(DatasetException.class, () -> IdxReader.read(images, labels, 10));
  }

  private static void assertMentions(DatasetException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void rawFilesRoundTrip() throws IOException {
    byte[] img = IdxFixtures.images(5, 3, 4, 1);
    byte[] lab = IdxFixtures.labels(5, 10, 2);
    ImageSet set = IdxReader.read(write("i", img), write("l", lab), 10);
    assertEquals(5, set.count());
    assertEquals(3, set.rows());
    assertEquals(4, set.cols());
    assertEquals(12, set.pixelsPerImage());
    assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), set.pixels());
    assertArrayEquals(Arrays.copyOfRange(lab, 8, lab.length), set.labels());
    assertEquals(lab[8 + 4], set.label(4));
  }

  @Test
  void gzipDetectedByMagicNotName() throws IOException {
    byte[] img = IdxFixtures.images(7, 2, 2, 3);
    byte[] lab = IdxFixtures.labels(7, 10, 4);
    // Deliberately no .gz suffix: detection must look at the bytes.
    ImageSet set = IdxReader.read(write("images", IdxFixtures.gzip(img)),
        write("labels.gz", IdxFixtures.gzip(lab)), 10);
    assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), set.pixels());
    assertArrayEquals(Arrays.copyOfRange(lab, 8, lab.length), set.labels());
    ImageData data = IdxReader.readImages(dir.resolve("images"));
    assertEquals(7, data.count());
    LabelData labels = IdxReader.readLabels(dir.resolve("labels.gz"), 10);
    assertEquals(7, labels.count());
  }

  @Test
  void truncatedRawFileNamesFileAndSizes() throws IOException {
    byte[] img = IdxFixtures.images(4, 5, 5, 1);
    Path p = write("trunc", Arrays.copyOf(img, img.length - 7));
    DatasetException e = fails(p, write("l", IdxFixtures.labels(4, 10, 1)));
    assertMentions(e, p.toString(), "expected a file of " + img.length, "has " + (img.length - 7),
        "truncated");
  }

  @Test
  void truncatedGzipIsReported() throws IOException {
    byte[] gz = IdxFixtures.gzip(IdxFixtures.images(40, 5, 5, 1));
    Path p = write("trunc.gz", Arrays.copyOf(gz, gz.length / 2));
    DatasetException e = fails(p, write("l", IdxFixtures.labels(40, 10, 1)));
    assertMentions(e, p.toString(), "truncated");
  }

  @Test
  void truncatedHeader() throws IOException {
    Path p = write("short", new byte[] {0, 0, 8, 3, 0, 0});
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertMentions(e, p.toString(), "16-byte", "only 6 bytes");
  }

  @Test
  void wrongMagic() throws IOException {
    Path labelsAsImages = write("swapped", IdxFixtures.labels(3, 10, 1));
    DatasetException e = fails(labelsAsImages, write("l", IdxFixtures.labels(3, 10, 1)));
    assertMentions(e, labelsAsImages.toString(), "0x00000801", "expected 0x00000803", "label file");
  }

  @Test
  void countMismatchBetweenImagesAndLabels() throws IOException {
    Path img = write("i", IdxFixtures.images(5, 2, 2, 1));
    Path lab = write("l", IdxFixtures.labels(4, 10, 1));
    DatasetException e = fails(img, lab);
    assertMentions(e, img.toString(), lab.toString(), "5 images", "4 labels");
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path lab = write("l", IdxFixtures.labels(new byte[] {1, 2, 10, 3}));
    DatasetException e = fails(write("i", IdxFixtures.images(4, 2, 2, 1)), lab);
    assertMentions(e, lab.toString(), "label 10 at index 2", "expected 0..9");
    // Unsigned: 0xff is 255, not -1.
    Path high = write("h", IdxFixtures.labels(new byte[] {(byte) 0xff}));
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readLabels(high, 200)),
        "label 255");
  }

  @Test
  void declaredDimsLargerThanRawFile() throws IOException {
    byte[] img = IdxFixtures.images(3, 28, 28, 1);
    ByteBuffer.wrap(img).putInt(4, 60_000); // claims 60000 images, holds 3
    Path p = write("lying", img);
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertMentions(e, p.toString(), "60000 images of 28x28", "expected a file of "
        + (16 + 60_000L * 784), "has " + img.length);
  }

  @Test
  void declaredDimsLargerThanGzipFileFailBeforeAllocating() throws IOException {
    byte[] img = IdxFixtures.images(3, 4, 4, 1);
    ByteBuffer.wrap(img).putInt(4, Integer.MAX_VALUE / 16); // ~2 GB from a tiny file
    Path p = write("bomb.gz", IdxFixtures.gzip(img));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertMentions(e, p.toString(), "cannot fit in a gzip file");

    ByteBuffer.wrap(img).putInt(4, 50); // plausible size, but the data is short
    Path q = write("short.gz", IdxFixtures.gzip(img));
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readImages(q)),
        q.toString(), "truncated", "800 bytes", "only 48");
  }

  @Test
  void trailingDataRejected() throws IOException {
    byte[] img = IdxFixtures.images(2, 2, 2, 1);
    byte[] longer = Arrays.copyOf(img, img.length + 3);
    Path raw = write("raw", longer);
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readImages(raw)),
        "trailing data");
    Path gz = write("gz", IdxFixtures.gzip(longer));
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readImages(gz)),
        "longer than declared");
  }

  @Test
  void insaneDimensionsRejected() throws IOException {
    byte[] img = IdxFixtures.images(1, 2, 2, 1);
    ByteBuffer.wrap(img).putInt(8, -5);
    Path neg = write("neg", img);
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readImages(neg)),
        "rows is -5", "positive");
    ByteBuffer.wrap(img).putInt(8, 2).putInt(12, 100_000);
    Path wide = write("wide", img);
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readImages(wide)),
        "cols is 100000", "at most " + IdxReader.MAX_SIDE);
  }

  @Test
  void missingFileNamed() {
    Path p = dir.resolve("nope");
    assertMentions(assertThrows(DatasetException.class, () -> IdxReader.readLabels(p, 10)),
        p.toString(), "not found");
  }

  @Test
  void headCopiesFirstImages() throws IOException {
    ImageSet set = IdxReader.read(write("i", IdxFixtures.images(5, 2, 3, 1)),
        write("l", IdxFixtures.labels(5, 10, 1)), 10);
    ImageSet head = set.head(2);
    assertEquals(2, head.count());
    assertArrayEquals(Arrays.copyOf(set.pixels(), 12), head.pixels());
    assertArrayEquals(Arrays.copyOf(set.labels(), 2), head.labels());
    head.pixels()[0]++;
    assertEquals((byte) (head.pixels()[0] - 1), set.pixels()[0]);
    assertThrows(IllegalArgumentException.class, () -> set.head(6));
  }
}
