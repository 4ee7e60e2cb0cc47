package dev.kiln.data;

import java.nio.file.Path;

/**
 * Reads IDX files (the MNIST format), raw or gzip-compressed (detected by the magic bytes
 * {@code 1f 8b}, not the file name).
 *
 * <p>Everything a header declares is checked before memory is allocated for it: magic number,
 * positive and sane dimensions, and the declared size against the file length. Any problem is a
 * {@link DatasetException} naming the file and what was expected vs found.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte IDX file with 3 dimensions: images. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an unsigned-byte IDX file with 1 dimension: labels. */
  public static final int LABELS_MAGIC = 0x00000801;
  /** Largest accepted image side; larger values are almost always a corrupt header. */
  public static final int MAX_SIDE = 4096;

  private static final String IMAGES_KIND = "IDX unsigned-byte images, 3 dimensions";
  private static final String LABELS_KIND = "IDX unsigned-byte labels, 1 dimension";

  private IdxReader() {}

  /**
   * Reads an image file and its label file, checking both and that their counts match.
   *
   * @param images IDX3 image file, raw or gzip
   * @param labels IDX1 label file, raw or gzip
   * @param numClasses every label must be below this, 1..256
   * @return the images and labels as one set whose source is the image path
   */
  public static ImageSet read(Path images, Path labels, int numClasses) {
    checkNumClasses(numClasses);
    // Both headers first, so a count mismatch is reported before reading either payload.
    try (IdxFile img = IdxFile.open(images); IdxFile lab = IdxFile.open(labels)) {
      int[] shape = imageShape(img);
      int count = labelCount(lab);
      if (shape[0] != count) {
        throw new DatasetException("image/label count mismatch: " + images + " has " + shape[0]
            + " images but " + labels + " has " + count + " labels; expected equal counts");
      }
      byte[] pixels = imagePixels(img, shape);
      byte[] labelBytes = labelBytes(lab, count, numClasses);
      return new ImageSet(images.toString(), count, shape[1], shape[2], pixels, labelBytes);
    }
  }

  /**
   * Reads one IDX3 image file.
   *
   * @param p raw or gzip file
   * @return its images
   */
  public static ImageData readImages(Path p) {
    try (IdxFile f = IdxFile.open(p)) {
      int[] shape = imageShape(f);
      return new ImageData(shape[0], shape[1], shape[2], imagePixels(f, shape));
    }
  }

  /**
   * Reads one IDX1 label file.
   *
   * @param p raw or gzip file
   * @param numClasses every label must be below this, 1..256
   * @return its labels
   */
  public static LabelData readLabels(Path p, int numClasses) {
    checkNumClasses(numClasses);
    try (IdxFile f = IdxFile.open(p)) {
      int count = labelCount(f);
      return new LabelData(count, labelBytes(f, count, numClasses));
    }
  }

  private static int[] imageShape(IdxFile f) {
    int[] shape = f.header(IMAGES_MAGIC, 3, IMAGES_KIND);
    String[] names = {"image count", "rows", "cols"};
    for (int i = 0; i < 3; i++) {
      if (shape[i] <= 0) {
        throw new DatasetException(f.path() + ": " + names[i] + " is " + shape[i]
            + ", expected a positive number");
      }
      if (i > 0 && shape[i] > MAX_SIDE) {
        throw new DatasetException(f.path() + ": " + names[i] + " is " + shape[i]
            + ", expected at most " + MAX_SIDE);
      }
    }
    return shape;
  }

  private static byte[] imagePixels(IdxFile f, int[] shape) {
    long declared = (long) shape[0] * shape[1] * shape[2];
    return f.payload(declared, shape[0] + " images of " + shape[1] + "x" + shape[2]);
  }

  private static int labelCount(IdxFile f) {
    int count = f.header(LABELS_MAGIC, 1, LABELS_KIND)[0];
    if (count <= 0) {
      throw new DatasetException(f.path() + ": label count is " + count
          + ", expected a positive number");
    }
    return count;
  }

  private static byte[] labelBytes(IdxFile f, int count, int numClasses) {
    byte[] labels = f.payload(count, count + " labels");
    for (int i = 0; i < labels.length; i++) {
      int label = Byte.toUnsignedInt(labels[i]);
      if (label >= numClasses) {
        throw new DatasetException(f.path() + ": label " + label + " at index " + i
            + " is out of range, expected 0.." + (numClasses - 1));
      }
    }
    return labels;
  }

  private static void checkNumClasses(int numClasses) {
    if (numClasses < 1 || numClasses > 256) {
      throw new IllegalArgumentException("numClasses must be 1..256, got " + numClasses);
    }
  }
}
