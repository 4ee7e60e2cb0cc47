package dev.kiln.data;

import java.util.List;

/**
 * What the catalog knows about one dataset: its four files with checksums and where to fetch them.
 *
 * @param name dataset name and cache sub-folder, e.g. {@code mnist}
 * @param numClasses labels are in {@code 0..numClasses-1}
 * @param trainImages IDX3 training images
 * @param trainLabels IDX1 training labels
 * @param testImages IDX3 test images
 * @param testLabels IDX1 test labels
 * @param sources tried in order for missing files; the first that yields a verified file wins
 */
public record DatasetSpec(String name, int numClasses, DatasetFile trainImages,
    DatasetFile trainLabels, DatasetFile testImages, DatasetFile testLabels,
    List<DatasetSource> sources) {

  /** Copies the source list so a spec cannot change under a running fetch. */
  public DatasetSpec {
    if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
      throw new IllegalArgumentException("bad dataset name: " + name);
    }
    sources = List.copyOf(sources);
  }

  /** @return the four files: train images, train labels, test images, test labels */
  public List<DatasetFile> files() {
    return List.of(trainImages, trainLabels, testImages, testLabels);
  }

  /**
   * @param newSources replacement sources, e.g. a local mirror or a test double
   * @return this spec with other sources
   */
  public DatasetSpec withSources(List<DatasetSource> newSources) {
    return new DatasetSpec(name, numClasses, trainImages, trainLabels, testImages, testLabels,
        newSources);
  }
}
