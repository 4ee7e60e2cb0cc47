package dev.kiln.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Named datasets backed by a local cache of verified, uncompressed IDX files laid out as
 * {@code <cacheDir>/<name>/<file>}. Missing files are fetched from the dataset's sources in
 * order; each file is verified by SHA-256 before it enters the cache, and cached files are
 * verified again on every load, so a corrupted cache is reported instead of trained on.
 */
public final class DatasetCatalog {
  /** System property that overrides {@link #defaultCacheDir()}. */
  public static final String CACHE_DIR_PROPERTY = "dl.datasets";

  private final Path cacheDir;
  private final Consumer<String> log;
  private final Map<String, DatasetSpec> specs = new LinkedHashMap<>();

  /**
   * A catalog of the built-in datasets ({@link #names()}).
   *
   * @param cacheDir root of the cache, e.g. {@link #defaultCacheDir()}
   * @param log receives progress lines (fetching, verified, source failures)
   */
  public DatasetCatalog(Path cacheDir, Consumer<String> log) {
    this(cacheDir, log, KnownDatasets.all());
  }

  /**
   * A catalog of the given datasets, e.g. built-ins with other sources via
   * {@link DatasetSpec#withSources}.
   *
   * @param cacheDir root of the cache
   * @param log receives progress lines
   * @param datasets the datasets this catalog can load
   */
  public DatasetCatalog(Path cacheDir, Consumer<String> log, List<DatasetSpec> datasets) {
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.log = log;
    for (DatasetSpec s : datasets) {
      specs.put(s.name(), s);
    }
  }

  /** @return {@code ~/.kiln/datasets} unless the system property {@code dl.datasets} is set */
  public static Path defaultCacheDir() {
    String override = System.getProperty(CACHE_DIR_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Paths.get(override);
    }
    return Paths.get(System.getProperty("user.home"), ".kiln", "datasets");
  }

  /** @return names of the built-in datasets: {@code mnist}, {@code fashion-mnist} */
  public static Set<String> names() {
    return KnownDatasets.all().stream().map(DatasetSpec::name)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * @param name a built-in dataset name
   * @return what the catalog knows about it, e.g. to replace its sources
   */
  public static DatasetSpec builtIn(String name) {
    return KnownDatasets.all().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> unknown(name, names()));
  }

  /**
   * Loads a dataset from the cache, fetching missing files into it first.
   *
   * @param name e.g. {@code "mnist"} or {@code "fashion-mnist"}
   * @return train and test splits
   * @throws DatasetException when a file cannot be fetched, fails verification or is malformed
   */
  public Dataset load(String name) {
    DatasetSpec spec = specs.get(name);
    if (spec == null) {
      throw unknown(name, specs.keySet());
    }
    Path dir = cacheDir.resolve(spec.name());
    try {
      Files.createDirectories(dir);
      if (!missing(spec, dir).isEmpty()) {
        fetchMissing(spec, dir);
      }
      for (DatasetFile f : spec.files()) {
        verifyCached(dir.resolve(f.name()), f);
      }
    } catch (IOException e) {
      throw new DatasetException("cannot use cache folder " + dir + ": " + oneLine(e), e);
    }
    log.accept("Loading " + spec.name() + " from " + dir + " (sha256 verified)");
    return loadFiles(spec.name(), dir.resolve(spec.trainImages().name()),
        dir.resolve(spec.trainLabels().name()), dir.resolve(spec.testImages().name()),
        dir.resolve(spec.testLabels().name()), spec.numClasses());
  }

  /**
   * Loads a dataset from the user's own IDX files (raw or gzip), without cache or checksums.
   *
   * @param name dataset name to report
   * @param numClasses every label must be below this
   * @return train and test splits
   * @throws DatasetException when a file is missing or malformed, or the splits' image sizes differ
   */
  public static Dataset loadFiles(String name, Path trainImages, Path trainLabels,
      Path testImages, Path testLabels, int numClasses) {
    ImageSet train = IdxReader.read(trainImages, trainLabels, numClasses);
    ImageSet test = IdxReader.read(testImages, testLabels, numClasses);
    if (train.rows() != test.rows() || train.cols() != test.cols()) {
      throw new DatasetException("image size mismatch: " + trainImages + " has " + train.rows()
          + "x" + train.cols() + " images but " + testImages + " has " + test.rows() + "x"
          + test.cols() + "; expected the same size for train and test");
    }
    return new Dataset(name, train, test, numClasses);
  }

  /** Tries each source for the still-missing files, holding the cache lock. */
  private void fetchMissing(DatasetSpec spec, Path dir) throws IOException {
    try (CacheLock lock = CacheLock.acquire(dir, log)) {
      List<DatasetFile> missing = missing(spec, dir); // another build may have fetched meanwhile
      List<String> failures = new ArrayList<>();
      for (DatasetSource source : spec.sources()) {
        if (missing.isEmpty()) {
          break;
        }
        String why = trySource(spec, dir, source, missing);
        if (why != null) {
          log.accept("Could not fetch " + spec.name() + " via " + source.description() + ": " + why);
          failures.add(source.description() + ": " + why);
        }
        missing = missing(spec, dir);
      }
      if (!missing.isEmpty()) {
        throw missingError(spec, dir, missing, failures);
      }
    }
  }

  /** @return null when every wanted file was installed, else why not, on one line */
  private String trySource(DatasetSpec spec, Path dir, DatasetSource source,
      List<DatasetFile> wanted) throws IOException {
    log.accept("Fetching " + spec.name() + " "
        + wanted.stream().map(DatasetFile::name).collect(Collectors.joining(", "))
        + " via " + source.description());
    Path work = Files.createTempDirectory("kiln-fetch-");
    try {
      Map<String, Path> fetched = source.fetch(wanted, work, log);
      List<String> problems = new ArrayList<>();
      for (DatasetFile f : wanted) {
        Path p = fetched.get(f.name());
        if (p == null) {
          problems.add(f.name() + " not provided");
          continue;
        }
        try {
          CacheInstaller.install(p, f, dir, source.description());
          log.accept("Verified " + spec.name() + "/" + f.name() + " sha256 " + f.sha256());
        } catch (DatasetException | IOException e) {
          problems.add(f.name() + ": " + oneLine(e));
        }
      }
      return problems.isEmpty() ? null : String.join("; ", problems);
    } catch (IOException | RuntimeException e) {
      // A source is untrusted and may fail in any way; the next one still deserves a try.
      return oneLine(e);
    } finally {
      deleteTree(work);
    }
  }

  private static List<DatasetFile> missing(DatasetSpec spec, Path dir) {
    return spec.files().stream().filter(f -> !Files.exists(dir.resolve(f.name())))
        .collect(Collectors.toList());
  }

  /** Size first (free), then SHA-256: a cached file may have been truncated or edited. */
  private static void verifyCached(Path p, DatasetFile f) throws IOException {
    long size = Files.size(p);
    String actual = size == f.size() ? Sha256.of(p) : "(not computed)";
    if (size != f.size() || !actual.equals(f.sha256())) {
      throw new DatasetException("cached file " + p + " is corrupt: expected sha256 "
          + f.sha256() + " (" + f.size() + " bytes), actual sha256 " + actual + " (" + size
          + " bytes). Delete " + p + " and run again to fetch it anew.");
    }
  }

  private static DatasetException missingError(DatasetSpec spec, Path dir,
      List<DatasetFile> missing, List<String> failures) {
    StringBuilder sb = new StringBuilder();
    sb.append("Dataset '").append(spec.name()).append("' is missing ").append(missing.size())
        .append(" file(s) and no source could provide them.\n")
        .append("Put these uncompressed files into ").append(dir)
        .append(" (each must match its SHA-256):\n");
    for (DatasetFile f : missing) {
      sb.append("  ").append(f.name()).append("  ").append(f.size()).append(" bytes  sha256 ")
          .append(f.sha256()).append('\n');
    }
    sb.append("Sources tried:");
    if (failures.isEmpty()) {
      sb.append(" none configured");
    }
    for (String failure : failures) {
      sb.append("\n  ").append(failure);
    }
    return new DatasetException(sb.toString());
  }

  private static DatasetException unknown(String name, Set<String> known) {
    return new DatasetException("unknown dataset '" + name + "', expected one of " + known);
  }

  /** Exception text for a single log/error line; the JDK often leaves messages null. */
  static String oneLine(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        boolean plain = t instanceof DatasetException || t.getClass() == IOException.class;
        String prefix = plain ? "" : t.getClass().getSimpleName() + ": ";
        return (prefix + t.getMessage()).replaceAll("\\s+", " ").strip();
      }
    }
    return e.getClass().getSimpleName();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Only a temp folder is left behind; not worth failing a successful load for.
    }
  }
}
