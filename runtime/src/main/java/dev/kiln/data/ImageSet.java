package dev.kiln.data;

import java.util.Arrays;

/**
 * One split of an image-classification dataset, pixels as unsigned bytes, row-major
 * {@code [count][rows*cols]}.
 *
 * @param source where the images came from (a file path), for messages
 * @param count number of images
 * @param rows image height
 * @param cols image width
 * @param pixels {@code count*rows*cols} unsigned bytes
 * @param labels {@code count} unsigned class indices
 */
public record ImageSet(String source, int count, int rows, int cols, byte[] pixels, byte[] labels) {

  /** Checks the arrays agree with the declared shape, so later indexing cannot go wrong silently. */
  public ImageSet {
    if (count < 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "bad shape " + count + "x" + rows + "x" + cols + " for " + source);
    }
    if (pixels == null || labels == null) {
      throw new IllegalArgumentException("pixels and labels are required for " + source);
    }
    if ((long) count * rows * cols != pixels.length || labels.length != count) {
      throw new IllegalArgumentException("expected " + (long) count * rows * cols
          + " pixels and " + count + " labels but got " + pixels.length + " and "
          + labels.length + " for " + source);
    }
  }

  /** @return {@code rows*cols} */
  public int pixelsPerImage() {
    return rows * cols;
  }

  /**
   * @param i image index, {@code 0 <= i < count}
   * @return the label of image {@code i}, 0..255 unsigned
   */
  public int label(int i) {
    return Byte.toUnsignedInt(labels[i]);
  }

  /**
   * The first {@code n} images, copied so the subset does not pin the full arrays.
   *
   * @param n {@code 0 <= n <= count}
   * @return a new set with the first {@code n} images and labels
   */
  public ImageSet head(int n) {
    if (n < 0 || n > count) {
      throw new IllegalArgumentException("head(" + n + ") of " + count + " images from " + source);
    }
    return new ImageSet(source, n, rows, cols,
        Arrays.copyOf(pixels, n * pixelsPerImage()), Arrays.copyOf(labels, n));
  }

  /** Short form: the default would print array identities, which say nothing. */
  @Override
  public String toString() {
    return "ImageSet[" + source + ", " + count + " x " + rows + "x" + cols + "]";
  }
}
