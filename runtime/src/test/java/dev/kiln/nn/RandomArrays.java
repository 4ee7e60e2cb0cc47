package dev.kiln.nn;

import java.util.Random;

/** Seeded test inputs for the layer tests. */
final class RandomArrays {

    private RandomArrays() {
    }

    /** {@code n} standard Gaussian values, the same for the same seed. */
    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
