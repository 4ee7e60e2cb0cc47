package dev.kiln.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Small generated IDX files that a network can learn: class {@code c} lights a 4×4 block whose
 * position depends on {@code c}, on top of noise. Unit tests only; real runs use real MNIST.
 */
public final class SyntheticIdx {

    public static final int SIDE = 28;

    private SyntheticIdx() {
    }

    /** Writes {@code train-images}, {@code train-labels}, {@code test-images}, {@code test-labels} into {@code dir}. */
    public static void write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("train-images"), dir.resolve("train-labels"), train, seed);
        write(dir.resolve("test-images"), dir.resolve("test-labels"), test, seed + 1);
    }

    private static void write(Path images, Path labels, int n, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteBuffer img = ByteBuffer.allocate(16 + n * SIDE * SIDE);
        img.putInt(0x803).putInt(n).putInt(SIDE).putInt(SIDE);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(10);
            lab.put((byte) c);
            int r0 = 2 + (c / 5) * 12;
            int c0 = 2 + (c % 5) * 5;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    boolean on = y >= r0 && y < r0 + 4 && x >= c0 && x < c0 + 4;
                    img.put((byte) (on ? 200 + rnd.nextInt(56) : rnd.nextInt(60)));
                }
            }
        }
        Files.write(images, img.array());
        Files.write(labels, lab.array());
    }
}
