package dev.kiln.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Median and quartiles of a sample (linear interpolation between order statistics), for the
 * per-round figures of {@link InterleavedGemm}.
 */
record Quartiles(double q1, double median, double q3) {

    static Quartiles of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return new Quartiles(at(v, 0.25), at(v, 0.5), at(v, 0.75));
    }

    /** The {@code q}-quantile of sorted {@code v}. */
    private static double at(double[] v, double q) {
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    /** {@code "median M (q1 A, q3 B)"} with each figure in {@code format}. */
    String format(String format) {
        return String.format(Locale.ROOT, "median " + format + " (q1 " + format + ", q3 " + format + ")", median, q1, q3);
    }
}
