package dev.kiln.nn;

import java.util.Random;

/** Seeded test inputs for the layer tests. */
final class RandomArrays {

    private RandomArrays() {
    }

    /** {@code n} standard Gaussian values, the same for the same seed. */
    static float[] gaussian(int n, long seed) {
        return gaussian(new Random(seed), n);
    }

    /** The next {@code n} standard Gaussian values of {@code r}. */
    static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
