package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCatalogTest {
  @TempDir Path cache;

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  /** Uncompressed content of each file of the generated "tiny" dataset. */
  private final Map<String, byte[]> content = new HashMap<>();
  private final DatasetSpec tiny;

  DatasetCatalogTest() throws Exception {
    content.put("train-images", IdxFixtures.images(6, 3, 3, 1));
    content.put("train-labels", IdxFixtures.labels(6, 4, 2));
    content.put("test-images", IdxFixtures.images(2, 3, 3, 3));
    content.put("test-labels", IdxFixtures.labels(2, 4, 4));
    tiny = new DatasetSpec("tiny", 4, file("train-images"), file("train-labels"),
        file("test-images"), file("test-labels"), List.of());
  }

  private DatasetFile file(String name) throws Exception {
    byte[] b = content.get(name);
    return new DatasetFile(name, b.length,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
  }

  private DatasetCatalog catalog(DatasetSource... sources) {
    return new DatasetCatalog(cache, log::add, List.of(tiny.withSources(List.of(sources))));
  }

  /** Serves gzip copies of the generated files, optionally corrupting one. */
  private DatasetSource serving(String name, String corrupt, AtomicInteger calls) {
    return new DatasetSource() {
      @Override
      public String description() {
        return name;
      }

      @Override
      public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> l)
          throws IOException {
        calls.incrementAndGet();
        Map<String, Path> out = new HashMap<>();
        for (DatasetFile f : wanted) {
          byte[] data = content.get(f.name()).clone();
          if (f.name().equals(corrupt)) {
            data[data.length - 1] ^= 1;
          }
          out.put(f.name(), Files.write(workDir.resolve(f.name() + ".gz"), IdxFixtures.gzip(data)));
        }
        return out;
      }
    };
  }

  private static DatasetSource failing(String name, Exception e) {
    return new DatasetSource() {
      @Override
      public String description() {
        return name;
      }

      @Override
      public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> l)
          throws IOException {
        if (e instanceof IOException) {
          throw (IOException) e;
        }
        throw (RuntimeException) e;
      }
    };
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
    }
  }

  private Set<String> cachedNames() throws IOException {
    try (Stream<Path> s = Files.list(cache.resolve("tiny"))) {
      return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void fetchedFilesAreVerifiedAndCachedUncompressed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Dataset d = catalog(failing("dead mirror", new IOException("unreachable")),
        serving("good", null, calls)).load("tiny");
    assertEquals(6, d.train().count());
    assertEquals(2, d.test().count());
    assertEquals(4, d.numClasses());
    assertArrayEquals(content.get("train-images"),
        Files.readAllBytes(cache.resolve("tiny/train-images")));
    assertMentions(String.join("\n", log), "dead mirror: unreachable",
        "Fetching tiny", "via good", "Verified tiny/train-images sha256 " + tiny.trainImages().sha256());
    // Second load uses the cache: no new fetch.
    catalog(serving("good", null, calls)).load("tiny");
    assertEquals(1, calls.get());
  }

  @Test
  void fileFailingChecksumNeverEntersCache() throws Exception {
    byte[] bad = content.get("train-labels").clone();
    bad[bad.length - 1] ^= 1;
    String badSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bad));
    DatasetException e = assertThrows(DatasetException.class,
        () -> catalog(serving("evil", "train-labels", new AtomicInteger())).load("tiny"));
    assertMentions(e.getMessage(), "train-labels", "evil",
        "expected sha256 " + tiny.trainLabels().sha256(), "actual sha256 " + badSha);
    // The good files went in, the bad one and its temp file did not.
    assertEquals(Set.of(".lock", "train-images", "test-images", "test-labels"), cachedNames());
  }

  @Test
  void laterSourceReplacesOnlyTheFileThatFailedVerification() throws Exception {
    AtomicInteger good = new AtomicInteger();
    Dataset d = catalog(serving("evil", "test-images", new AtomicInteger()),
        serving("good", null, good)).load("tiny");
    assertEquals(2, d.test().count());
    assertArrayEquals(content.get("test-images"),
        Files.readAllBytes(cache.resolve("tiny/test-images")));
    assertEquals(1, good.get());
  }

  @Test
  void missingEverythingListsFilesShaFolderAndSources() {
    DatasetException e = assertThrows(DatasetException.class, () -> catalog(
        failing("mirror A", new IOException("no route")),
        failing("buggy", new IllegalStateException("boom"))).load("tiny"));
    String m = e.getMessage();
    assertMentions(m, cache.resolve("tiny").toString(), "mirror A: no route",
        "buggy: IllegalStateException: boom");
    for (DatasetFile f : tiny.files()) {
      assertMentions(m, f.name() + "  " + f.size() + " bytes  sha256 " + f.sha256());
    }
  }

  @Test
  void corruptCachedFileIsReportedWithDeleteHint() throws Exception {
    catalog(serving("good", null, new AtomicInteger())).load("tiny");
    Path cached = cache.resolve("tiny/test-labels");
    byte[] b = Files.readAllBytes(cached);
    b[9] ^= 1;
    Files.write(cached, b);
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    DatasetException e = assertThrows(DatasetException.class,
        () -> catalog(serving("good", null, new AtomicInteger())).load("tiny"));
    assertMentions(e.getMessage(), cached.toString(), "expected sha256 "
        + tiny.testLabels().sha256(), "actual sha256 " + actual, "Delete");
  }

  @Test
  void concurrentLoadsFetchOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DatasetCatalog catalog = catalog(serving("good", null, calls));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Dataset>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> catalog.load("tiny")));
      }
      for (Future<Dataset> f : results) {
        assertEquals(6, f.get().train().count());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, calls.get());
  }

  @Test
  void unknownNameAndBuiltIns() {
    assertEquals(List.of("mnist", "fashion-mnist"), new ArrayList<>(DatasetCatalog.names()));
    DatasetException e = assertThrows(DatasetException.class,
        () -> new DatasetCatalog(cache, log::add).load("cifar"));
    assertMentions(e.getMessage(), "cifar", "mnist", "fashion-mnist");
    assertEquals(10, DatasetCatalog.builtIn("mnist").numClasses());
    assertEquals(47_040_016L, DatasetCatalog.builtIn("fashion-mnist").trainImages().size());
  }

  @Test
  void defaultCacheDirHonoursProperty() {
    String old = System.getProperty(DatasetCatalog.CACHE_DIR_PROPERTY);
    try {
      System.clearProperty(DatasetCatalog.CACHE_DIR_PROPERTY);
      assertEquals(Path.of(System.getProperty("user.home"), ".kiln", "datasets"),
          DatasetCatalog.defaultCacheDir());
      System.setProperty(DatasetCatalog.CACHE_DIR_PROPERTY, "/somewhere/else");
      assertEquals(Path.of("/somewhere/else"), DatasetCatalog.defaultCacheDir());
    } finally {
      if (old == null) {
        System.clearProperty(DatasetCatalog.CACHE_DIR_PROPERTY);
      } else {
        System.setProperty(DatasetCatalog.CACHE_DIR_PROPERTY, old);
      }
    }
  }

  @Test
  void loadFilesReadsUsersOwnFiles() throws IOException {
    Path dir = Files.createDirectories(cache.resolve("own"));
    Path[] p = new Path[4];
    String[] names = {"train-images", "train-labels", "test-images", "test-labels"};
    for (int i = 0; i < 4; i++) {
      p[i] = Files.write(dir.resolve(names[i]), IdxFixtures.gzip(content.get(names[i])));
    }
    Dataset d = DatasetCatalog.loadFiles("own", p[0], p[1], p[2], p[3], 4);
    assertEquals("own", d.name());
    assertEquals(3, d.train().rows());
    Files.write(p[2], IdxFixtures.images(2, 4, 4, 1));
    assertThrows(DatasetException.class,
        () -> DatasetCatalog.loadFiles("own", p[0], p[1], p[2], p[3], 4));
  }

  @Test
  void mirrorsMustBeHttps() {
    assertThrows(IllegalArgumentException.class,
        () -> new HttpsMirrorSource("http://example.invalid/"));
    assertFalse(new HttpsMirrorSource("https://example.invalid/").description().isEmpty());
  }
}
