package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static dev.kiln.kernels.KernelAgreementTest.assertClose;
import static dev.kiln.kernels.KernelAgreementTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The window kernels (im2col, col2im, pooling) and the offset GEMM: vector against scalar on
 * awkward geometries — odd sizes, non-square windows, strides 1 to 3, asymmetric padding, and
 * widths both below and above a vector's lane count.
 */
class WindowKernelAgreementTest {

    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = new VectorKernels();

    /** channels, inH, inW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight. */
    private static Window2d w(String csv) {
        int[] v = Arrays.stream(csv.split(" ")).mapToInt(Integer::parseInt).toArray();
        return new Window2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }

    private static final String[] GEOMETRIES = {
        "1 28 28 3 3 1 1 0 0 0 0",
        "3 7 5 3 2 1 1 0 0 0 0",
        "2 7 5 3 2 2 2 1 0 1 1",
        "2 9 37 3 3 1 1 1 1 1 1",
        "3 13 41 2 2 2 2 0 0 1 1",
        "2 11 53 3 3 3 2 2 1 1 2",
        "1 5 70 5 4 1 3 2 3 2 3",
        "4 6 33 1 1 1 1 0 0 0 0",
        "2 4 4 4 4 1 1 0 0 0 0",
        "1 3 2 3 3 1 1 1 1 1 1",
        // the CNN example's pool (outputs 12 wide: whole planes a vector at a time) and an
        // overlapping, strided window without padding whose plane is not a whole number of vectors
        "8 24 24 2 2 2 2 0 0 0 0",
        "3 11 9 3 3 2 2 0 0 0 0",
        // two-column windows at stride two (lane shuffles): taller windows, rows narrower and
        // wider than a vector, an odd input width
        "2 9 30 3 2 2 2 0 0 0 0",
        "1 5 71 2 2 1 2 0 0 0 0",
        // col2im's runs exactly one and exactly two vectors wide (16 and 32 with 512-bit vectors)
        "2 6 18 3 3 1 1 0 0 0 0",
        "1 4 34 3 3 1 1 0 0 0 0",
    };

    /**
     * {@link #GEOMETRIES} and, for this machine's vector width {@code L}, col2im's runs of one to
     * two vectors (added as two vectors per output row) under a padded window of row stride 2,
     * whose first and last output rows read padding for some window rows, and runs one float
     * short of a vector.
     */
    private static final String[] ALL_GEOMETRIES = withRuns();

    private static String[] withRuns() {
        int l = FloatVector.SPECIES_PREFERRED.length();
        String[] all = Arrays.copyOf(GEOMETRIES, GEOMETRIES.length + 2);
        all[GEOMETRIES.length] = "2 9 " + (l + 4) + " 3 3 2 1 1 1 1 1";
        all[GEOMETRIES.length + 1] = "2 6 " + (l + 1) + " 3 3 1 1 0 0 0 0";
        return all;
    }

    @Test
    void im2colAndCol2imAreBitIdentical() {
        Random r = new Random(1);
        for (String geo : ALL_GEOMETRIES) {
            Window2d g = w(geo);
            int in = g.channels() * g.inPlane();
            int colSize = g.colRows() * g.outPlane();
            float[] x = random(r, in + 7);
            float[] c0 = random(r, colSize + 5);
            float[] c1 = c0.clone();
            scalar.im2col(x, 3, g, c0, 2);
            vector.im2col(x, 3, g, c1, 2);
            assertArrayEquals(c0, c1, "im2col " + g);

            float[] d0 = random(r, in + 9);
            float[] d1 = d0.clone();
            scalar.col2im(c0, 2, g, d0, 4);
            vector.col2im(c0, 2, g, d1, 4);
            assertArrayEquals(d0, d1, "col2im " + g);
        }
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        // <im2col(x), c> = <x, col2im(c)> for any x and c: what makes col2im the right backward.
        Random r = new Random(2);
        for (String geo : ALL_GEOMETRIES) {
            Window2d g = w(geo);
            float[] x = random(r, g.channels() * g.inPlane());
            float[] c = random(r, g.colRows() * g.outPlane());
            float[] col = new float[c.length];
            float[] dx = new float[x.length];
            vector.im2col(x, 0, g, col, 0);
            vector.col2im(c, 0, g, dx, 0);
            double lhs = 0;
            double rhs = 0;
            for (int i = 0; i < c.length; i++) {
                lhs += (double) col[i] * c[i];
            }
            for (int i = 0; i < x.length; i++) {
                rhs += (double) x[i] * dx[i];
            }
            if (Math.abs(lhs - rhs) > 1e-3 * (1 + Math.abs(lhs))) {
                throw new AssertionError(g + ": " + lhs + " vs " + rhs);
            }
        }
    }

    @Test
    void poolingAgrees() {
        Random r = new Random(3);
        for (String geo : ALL_GEOMETRIES) {
            Window2d g = w(geo);
            if (g.padTop() >= g.kh() || g.padBottom() >= g.kh() || g.padLeft() >= g.kw() || g.padRight() >= g.kw()) {
                continue; // pooling pads are smaller than the window (the spec enforces it)
            }
            int in = g.channels() * g.inPlane();
            int out = g.channels() * g.outPlane();
            float[] x = random(r, in + 3);
            // ties, so "first maximum in scan order" is exercised
            for (int i = 0; i < x.length; i += 5) {
                x[i] = 1f;
            }
            float[] y0 = new float[out + 2];
            float[] y1 = new float[out + 2];
            int[] a0 = new int[out + 2];
            int[] a1 = new int[out + 2];
            scalar.maxPool(x, 3, g, y0, 1, a0, 2);
            vector.maxPool(x, 3, g, y1, 1, a1, 2);
            assertArrayEquals(y0, y1, "maxPool " + g);
            assertArrayEquals(a0, a1, "maxPool argmax " + g);

            scalar.avgPool(x, 3, g, y0, 1);
            vector.avgPool(x, 3, g, y1, 1);
            assertArrayEquals(y0, y1, "avgPool " + g);

            float[] dy = random(r, out + 1);
            float[] d0 = random(r, in + 2);
            float[] d1 = d0.clone();
            scalar.avgPoolBackward(dy, 1, g, d0, 2);
            vector.avgPoolBackward(dy, 1, g, d1, 2);
            // overlapping windows add an element's terms in another order
            assertClose(d0, d1, g.kh() * g.kw(), "avgPoolBackward " + g);
        }
    }

    @Test
    void sumAgrees() {
        Random r = new Random(4);
        float[] a = random(r, 1000);
        for (int[] range : new int[][] {{0, 0}, {3, 4}, {1, 17}, {5, 676}, {0, 1000}}) {
            float s = scalar.sum(a, range[0], range[1]);
            float v = vector.sum(a, range[0], range[1]);
            assertClose(new float[] {s}, new float[] {v}, range[1] - range[0] + 1, "sum " + Arrays.toString(range));
        }
    }

    @ParameterizedTest
    @CsvSource({"5,7,9", "32,676,9", "13,70,45", "64,33,17"})
    void gemmWithOffsetsAgreesWithGemmOnCopies(int m, int n, int k) {
        Random r = new Random(m + n + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(r, m * k + 11);
                float[] b = random(r, k * n + 13);
                float[] c = random(r, m * n + 17);
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                float[] aCopy = Arrays.copyOfRange(a, 11, a.length);
                float[] bCopy = Arrays.copyOfRange(b, 13, b.length);
                for (Kernels kern : new Kernels[] {scalar, vector}) {
                    float[] c0 = Arrays.copyOfRange(c, 17, c.length);
                    float[] c1 = c.clone();
                    kern.gemm(ta, tb, 1, m, n, k, aCopy, lda, bCopy, ldb, c0, n, true);
                    kern.gemm(ta, tb, 1, m, n, k, a, 11, lda, b, 13, ldb, c1, 17, n, true);
                    assertArrayEquals(c0, Arrays.copyOfRange(c1, 17, c1.length), kern.name() + " ta=" + ta + " tb=" + tb);
                    assertArrayEquals(Arrays.copyOf(c, 17), Arrays.copyOf(c1, 17), "nothing before the offset");
                }
            }
        }
    }
}
