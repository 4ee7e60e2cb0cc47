package dev.kiln.train;

import dev.kiln.data.ImageSet;

import java.util.Random;

/** A tiny in-memory training set for trainer tests: seeded noise pixels, labels cycling over 3 classes. */
final class NoiseImages {

    private NoiseImages() {
    }

    /** {@code count} images of {@code side}×{@code side}, the same every call. */
    static ImageSet of(int count, int side) {
        byte[] pixels = new byte[count * side * side];
        new Random(5).nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 3);
        }
        return new ImageSet("test", count, side, side, pixels, labels);
    }
}
