package dev.kiln.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Fetches files from a Debian package: {@code apt-get download} (apt's own configured sources,
 * no root needed) then {@code dpkg -x} into the work folder. Files may be stored raw or as
 * {@code <file>.gz}.
 */
public final class DebianPackageSource implements DatasetSource {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final String packageName;
  private final String folder;

  /**
   * @param packageName e.g. {@code dataset-fashion-mnist}
   * @param folder folder of the files inside the package, e.g.
   *     {@code usr/share/datasets/fashion-mnist/}
   */
  public DebianPackageSource(String packageName, String folder) {
    this.packageName = packageName;
    this.folder = folder;
  }

  @Override
  public String description() {
    return "Debian package " + packageName;
  }

  @Override
  public Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> log)
      throws IOException {
    ProcessRunner.run(List.of("apt-get", "download", packageName), workDir, TIMEOUT);
    Path deb = single(workDir);
    Path root = workDir.resolve("extracted");
    Files.createDirectories(root);
    ProcessRunner.run(List.of("dpkg", "-x", deb.toString(), root.toString()), workDir, TIMEOUT);
    Map<String, Path> fetched = new HashMap<>();
    for (DatasetFile f : wanted) {
      for (String name : List.of(f.name() + ".gz", f.name())) {
        Path p = root.resolve(folder).resolve(name);
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !fetched.containsKey(f.name())) {
          fetched.put(f.name(), p);
        }
      }
    }
    return fetched;
  }

  private Path single(Path workDir) throws IOException {
    List<Path> debs = new ArrayList<>();
    try (Stream<Path> s = Files.list(workDir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".deb")).forEach(debs::add);
    }
    if (debs.size() != 1) {
      throw new IOException("apt-get download " + packageName + " produced " + debs.size()
          + " .deb files, expected 1");
    }
    return debs.get(0);
  }
}
