package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutated and truncated IDX input, raw and gzip, must only ever produce DatasetException. */
class IdxFuzzTest {
  private static final int ROUNDS = 4000;
  private static final int[] INTERESTING = {0, 1, -1, 2, 3, 5, 255, 256, 4096, 4097, 65_535,
      1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x00000801, 0x00000803};

  @TempDir Path dir;

  @Test
  void garbageOnlyEverThrowsDatasetException() {
    assertTimeoutPreemptively(Duration.ofSeconds(25), this::fuzz);
  }

  private void fuzz() throws IOException {
    byte[] images = IdxFixtures.images(6, 4, 3, 7);
    byte[] labels = IdxFixtures.labels(6, 10, 8);
    Path img = dir.resolve("images");
    Path lab = dir.resolve("labels");
    Random r = new Random(20240611L);
    int accepted = 0;
    for (int round = 0; round < ROUNDS; round++) {
      boolean mutateImages = r.nextInt(4) != 0;
      byte[] target = mutateImages ? images : labels;
      byte[] other = mutateImages ? labels : images;
      int mode = r.nextInt(3);
      byte[] data;
      if (mode == 0) { // raw file mutated
        data = mutate(target, r);
      } else if (mode == 1) { // content mutated, then validly compressed: exercises header checks
        data = IdxFixtures.gzip(mutate(target, r));
      } else { // compressed stream itself mutated
        data = mutate(IdxFixtures.gzip(target), r);
      }
      Files.write(mutateImages ? img : lab, data);
      Files.write(mutateImages ? lab : img, r.nextBoolean() ? other : IdxFixtures.gzip(other));
      try {
        IdxReader.read(img, lab, 10);
        accepted++;
      } catch (DatasetException expected) {
        // the only acceptable failure
      } catch (Throwable t) {
        fail("round " + round + " (mode " + mode + ") threw " + t, t);
      }
    }
    if (accepted == ROUNDS) {
      fail("no mutation was ever rejected: the fuzzer is not exercising the checks");
    }
  }

  private static byte[] mutate(byte[] src, Random r) {
    byte[] b = src.clone();
    switch (r.nextInt(5)) {
      case 0: // flip a few bytes
        for (int i = r.nextInt(4) + 1; i > 0; i--) {
          b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
        return b;
      case 1: // truncate
        return Arrays.copyOf(b, r.nextInt(b.length));
      case 2: // append garbage
        byte[] tail = new byte[1 + r.nextInt(64)];
        r.nextBytes(tail);
        byte[] longer = Arrays.copyOf(b, b.length + tail.length);
        System.arraycopy(tail, 0, longer, b.length, tail.length);
        return longer;
      case 3: // header field replaced by an edge value
        int fields = Math.min(4, b.length / 4);
        if (fields > 0) {
          ByteBuffer.wrap(b).putInt(4 * r.nextInt(fields),
              INTERESTING[r.nextInt(INTERESTING.length)]);
        }
        return b;
      default: // random garbage of random length
        byte[] g = new byte[r.nextInt(128)];
        r.nextBytes(g);
        if (g.length >= 4 && r.nextBoolean()) {
          g[0] = 0;
          g[1] = 0;
          g[2] = 8;
          g[3] = (byte) (r.nextBoolean() ? 1 : 3);
        }
        return g;
    }
  }
}
