package dev.kiln.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Child JVM of {@link CacheTwoProcessTest}: one "build" loading the tiny dataset into a shared
 * cache. Its source serves the right bytes slowly and appends one line per file fetched to a log
 * shared by all children, so the test can count fetches across processes.
 *
 * <p>Arguments: cache folder, fetch log, ready file (created once set up), go file (loading
 * starts when it appears, so that two children overlap). Prints the catalog's log lines as
 * {@code log: ...} and finally {@code loaded train=.. test=.. classes=..}.
 */
final class CacheLoaderMain {
  /** How long the source takes per file, so that a second build arrives while it fetches. */
  static final long MILLIS_PER_FILE = 300;

  private CacheLoaderMain() {}

  /** Uncompressed content of each file of the "tiny" dataset, the same as in DatasetCatalogTest. */
  static Map<String, byte[]> tinyContent() {
    Map<String, byte[]> content = new HashMap<>();
    content.put("train-images", IdxFixtures.images(6, 3, 3, 1));
    content.put("train-labels", IdxFixtures.labels(6, 4, 2));
    content.put("test-images", IdxFixtures.images(2, 3, 3, 3));
    content.put("test-labels", IdxFixtures.labels(2, 4, 4));
    return content;
  }

  static DatasetFile file(Map<String, byte[]> content, String name) throws Exception {
    byte[] b = content.get(name);
    return new DatasetFile(name, b.length,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
  }

  static DatasetSpec tiny(Map<String, byte[]> content, List<DatasetSource> sources)
      throws Exception {
    return new DatasetSpec("tiny", 4, file(content, "train-images"),
        file(content, "train-labels"), file(content, "test-images"),
        file(content, "test-labels"), sources);
  }

  /** Serves gzip copies of the right files, sleeping per file and logging each fetch. */
  private static DatasetSource slowLogging(Map<String, byte[]> content, Path fetchLog) {
    long pid = ProcessHandle.current().pid();
    return new DatasetSource() {
      @Override
      public String description() {
        return "slow test source in process " + pid;
      }

      @Override
      public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> l)
          throws IOException {
        Map<String, Path> out = new HashMap<>();
        for (DatasetFile f : wanted) {
          // One short O_APPEND write per line: lines of the two processes do not interleave.
          Files.writeString(fetchLog, f.name() + " " + pid + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
          try {
            Thread.sleep(MILLIS_PER_FILE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
          out.put(f.name(), Files.write(workDir.resolve(f.name() + ".gz"),
              IdxFixtures.gzip(content.get(f.name()))));
        }
        return out;
      }
    };
  }

  public static void main(String[] args) throws Exception {
    Path cache = Path.of(args[0]);
    Path fetchLog = Path.of(args[1]);
    Path ready = Path.of(args[2]);
    Path go = Path.of(args[3]);
    Map<String, byte[]> content = tinyContent();
    DatasetSpec spec = tiny(content, List.of(slowLogging(content, fetchLog)));
    DatasetCatalog catalog = new DatasetCatalog(cache, line -> System.out.println("log: " + line),
        List.of(spec));

    Files.createFile(ready);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(go)) {
      if (System.nanoTime() > deadline) {
        System.out.println("no go file " + go + " within 30 s");
        System.exit(3);
      }
      Thread.sleep(2);
    }

    Dataset d = catalog.load("tiny");
    System.out.println("loaded train=" + d.train().count() + " test=" + d.test().count()
        + " classes=" + d.numClasses());
  }
}
