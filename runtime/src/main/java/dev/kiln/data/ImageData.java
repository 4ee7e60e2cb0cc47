package dev.kiln.data;

/**
 * The content of an IDX image file ({@code idx3-ubyte}) without labels.
 *
 * @param count number of images
 * @param rows image height
 * @param cols image width
 * @param pixels {@code count*rows*cols} unsigned bytes, row-major
 */
public record ImageData(int count, int rows, int cols, byte[] pixels) {
  @Override
  public String toString() {
    return "ImageData[" + count + " x " + rows + "x" + cols + "]";
  }
}
