package dev.kiln.nn;

import java.util.SplittableRandom;

/**
 * Seeded weight initialization. The random stream is derived from the run seed and the layer's
 * index, so adding a layer at the end does not change the others' starting weights.
 */
public final class Initializer {

    private Initializer() {
    }

    /**
     * Fills {@code w} for a layer with the given fan-in and fan-out.
     * {@code he}: normal with std {@code sqrt(2/fanIn)} (for ReLU);
     * {@code xavier}: uniform in {@code ±sqrt(6/(fanIn+fanOut))}.
     */
    public static void fill(float[] w, String kind, int fanIn, int fanOut, long seed, int layerIndex) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + layerIndex);
        switch (kind) {
            case "he" -> {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (gaussian(rnd) * std);
                }
            }
            case "xavier" -> {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
                }
            }
            default -> throw new IllegalArgumentException("unknown init " + kind);
        }
    }

    /** Box–Muller, written out so the stream is the same on every JDK. */
    private static double gaussian(SplittableRandom rnd) {
        double u1;
        do {
            u1 = rnd.nextDouble();
        } while (u1 <= Double.MIN_NORMAL);
        double u2 = rnd.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
