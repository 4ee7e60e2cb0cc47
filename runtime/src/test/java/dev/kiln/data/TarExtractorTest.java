package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void extractsOnlyWantedEntries() throws IOException {
    Path tgz = Files.write(dir.resolve("p.tgz"), new TarFixtures()
        .file("package/index.js", bytes("js"))
        .file("package/data/a", bytes("AAAA"))
        .file("package/data/b", new byte[700]) // spans two blocks
        .tgz());
    Path out = dir.resolve("out");
    Map<String, Path> got =
        TarExtractor.extract(tgz, out, Set.of("package/data/a", "package/data/b"), 1000);
    assertEquals(Set.of("package/data/a", "package/data/b"), got.keySet());
    assertArrayEquals(bytes("AAAA"), Files.readAllBytes(got.get("package/data/a")));
    assertEquals(700, Files.size(got.get("package/data/b")));
    assertFalse(Files.exists(out.resolve("package/index.js")));
  }

  @Test
  void pathTraversalEntryRejected() throws IOException {
    Path out = dir.resolve("a/b/out");
    Path tgz = Files.write(dir.resolve("evil.tgz"), new TarFixtures()
        .file("package/data/a", bytes("ok"))
        .file("package/../../../evil", bytes("pwned"))
        .tgz());
    DatasetException e = assertThrows(DatasetException.class, () -> TarExtractor.extract(
        tgz, out, Set.of("package/data/a", "package/../../../evil"), 100));
    assertTrue(e.getMessage().contains("package/../../../evil"), e.getMessage());
    assertTrue(e.getMessage().contains("escapes"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("a/evil")));
  }

  @Test
  void absoluteAndPaxTraversalRejected() throws IOException {
    Path out = dir.resolve("out");
    Path abs = Files.write(dir.resolve("abs.tgz"),
        new TarFixtures().file("/tmp/evil", bytes("x")).tgz());
    assertThrows(DatasetException.class,
        () -> TarExtractor.extract(abs, out, Set.of("/tmp/evil"), 100));
    // The name a pax header supplies must be checked too, not just the header's own field.
    Path pax = Files.write(dir.resolve("pax.tgz"),
        new TarFixtures().paxPath("../evil").file("harmless", bytes("x")).tgz());
    DatasetException e = assertThrows(DatasetException.class,
        () -> TarExtractor.extract(pax, out, Set.of("../evil"), 100));
    assertTrue(e.getMessage().contains("'../evil'"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("evil")));
  }

  @Test
  void oversizedEntryRejected() throws IOException {
    Path tgz = Files.write(dir.resolve("big.tgz"),
        new TarFixtures().file("data/a", new byte[2000]).tgz());
    assertThrows(DatasetException.class,
        () -> TarExtractor.extract(tgz, dir.resolve("out"), Set.of("data/a"), 1000));
  }
}
