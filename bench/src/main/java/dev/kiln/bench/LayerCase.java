package dev.kiln.bench;

import java.util.SplittableRandom;

/** Helpers shared by the layer benchmarks. */
final class LayerCase {

    private LayerCase() {
    }

    /** {@code size} floats uniform in {@code [-scale, scale)}, from a fixed seed. */
    static float[] random(long seed, int size, double scale) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }
}
