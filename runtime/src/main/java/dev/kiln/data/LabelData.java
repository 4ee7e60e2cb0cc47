package dev.kiln.data;

/**
 * The content of an IDX label file ({@code idx1-ubyte}), already range-checked.
 *
 * @param count number of labels
 * @param labels unsigned class indices, each below the {@code numClasses} it was read with
 */
public record LabelData(int count, byte[] labels) {
  @Override
  public String toString() {
    return "LabelData[" + count + "]";
  }
}
