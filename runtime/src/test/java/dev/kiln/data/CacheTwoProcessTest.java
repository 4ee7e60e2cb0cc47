package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds (two JVMs, {@link CacheLoaderMain}) loading the same dataset into one cache at the
 * same moment: the file lock makes one fetch while the other waits and then finds the files, so
 * every file is fetched once in total and the cache holds exactly the verified files.
 * {@link DatasetCatalogTest#concurrentLoadsFetchOnce} covers threads of one JVM; only separate
 * processes exercise the {@code FileChannel} lock itself.
 */
class CacheTwoProcessTest {
  @TempDir Path root;

  private Process start(Path cache, Path fetchLog, Path tmp, String name) throws IOException {
    List<String> cmd = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        CacheLoaderMain.class.getName(), cache.toString(), fetchLog.toString(),
        root.resolve(name + ".ready").toString(), root.resolve("go").toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(root.resolve(name + ".out").toFile()).start();
  }

  private String output(String name) throws IOException {
    return Files.readString(root.resolve(name + ".out"), StandardCharsets.UTF_8);
  }

  @Test
  void twoProcessesSharingACacheFetchEachFileOnceAndLeaveItIntact() throws Exception {
    Path cache = Files.createDirectories(root.resolve("cache"));
    Path fetchLog = root.resolve("fetches.log");
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    List<String> names = List.of("a", "b");
    List<Process> procs = new ArrayList<>();
    try {
      for (String n : names) {
        procs.add(start(cache, fetchLog, tmp, n));
      }
      // Both JVMs are up and set up before either loads, so their loads overlap: the source
      // takes 4 x 300 ms, far longer than the two take to notice the go file.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < names.size(); i++) {
        while (!Files.exists(root.resolve(names.get(i) + ".ready"))) {
          if (!procs.get(i).isAlive()) {
            fail("child " + names.get(i) + " ended early (exit " + procs.get(i).exitValue()
                + "):\n" + output(names.get(i)));
          }
          if (System.nanoTime() > deadline) {
            fail("child " + names.get(i) + " not ready within 60 s:\n" + output(names.get(i)));
          }
          Thread.sleep(5);
        }
      }
      Files.createFile(root.resolve("go"));
      for (int i = 0; i < names.size(); i++) {
        long left = Math.max(1, deadline - System.nanoTime());
        if (!procs.get(i).waitFor(left, TimeUnit.NANOSECONDS)) {
          fail("child " + names.get(i) + " still running after 60 s:\n" + output(names.get(i)));
        }
      }
    } finally {
      for (Process p : procs) {
        p.destroyForcibly();
      }
    }

    int waited = 0;
    for (int i = 0; i < names.size(); i++) {
      String out = output(names.get(i));
      assertEquals(0, procs.get(i).exitValue(), () -> "exit code; output:\n" + out);
      assertTrue(out.contains("loaded train=6 test=2 classes=4"), () -> "full dataset:\n" + out);
      waited += out.contains("log: Waiting for another build") ? 1 : 0;
    }
    // Each file fetched exactly once across both processes, all by the same one.
    List<String> lines = Files.readAllLines(fetchLog, StandardCharsets.UTF_8);
    Map<String, Long> perFile = lines.stream()
        .collect(Collectors.groupingBy(l -> l.split(" ")[0], TreeMap::new,
            Collectors.counting()));
    assertEquals(Map.of("test-images", 1L, "test-labels", 1L, "train-images", 1L,
        "train-labels", 1L), perFile, () -> "fetch log:\n" + String.join("\n", lines));
    assertEquals(1, lines.stream().map(l -> l.split(" ")[1]).distinct().count(),
        () -> "fetched by one process:\n" + String.join("\n", lines));

    // The loads did overlap, so the counts above say something about the lock: one child found
    // the cache lock taken (the other was fetching) and, once it got it, nothing left to fetch.
    assertEquals(1, waited, "exactly one child waited on the lock");

    // Exactly the verified files and the lock file: no .part temp files, nothing half written.
    Map<String, byte[]> content = CacheLoaderMain.tinyContent();
    Path dir = cache.resolve("tiny");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(Set.of(".lock", "train-images", "train-labels", "test-images", "test-labels"),
          s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    for (String n : content.keySet()) {
      assertEquals(CacheLoaderMain.file(content, n).sha256(), Sha256.of(dir.resolve(n)),
          "sha256 of cached " + n);
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "fetch work folders are deleted");
    }
  }
}
