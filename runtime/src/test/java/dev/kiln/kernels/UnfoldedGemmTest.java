package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.kiln.kernels.KernelAgreementTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link Kernels#gemmUnfolded}, which vector kernels compute by packing B straight from the
 * sample (with gathers, or copied in runs for column stride 1, from a zero-bordered copy of it
 * for padded windows; partial strips in runs), and {@link Kernels#unfoldedGemm}, which packs
 * the unfolding as A (runs for column stride 1, gathers otherwise): bit for bit what unfolding
 * with {@code im2col} and multiplying the unfolded matrix gives, for the forward product
 * ({@code W·col}) and the weight-gradient product ({@code dY·colᵀ}, and transposed
 * {@code col·dYᵀ}), whole and in column or row chunks, from zero, from a bias and accumulating,
 * on padded, strided and uneven windows.
 */
class UnfoldedGemmTest {

    /** channels, inH, inW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight. */
    private static final String[] GEOMETRIES = {
        // the CNN example's two convolutions
        "1 28 28 3 3 1 1 0 0 0 0",
        "32 26 26 3 3 1 1 0 0 0 0",
        // enough window offsets (K >= 48) for packed weight gradients, with padding and strides
        "8 10 12 3 3 1 1 1 1 1 1",
        "6 9 14 3 3 2 2 1 0 1 1",
        "5 11 53 3 4 3 2 2 1 1 2",
        // unpadded (packed with gathers) and strided
        "6 15 40 3 3 2 2 0 0 0 0",
        // column stride 1 with output rows wider than two vectors (whole strips copied in runs)
        "4 6 40 3 3 2 1 0 0 0 0",
        "3 5 33 3 3 1 1 1 1 1 1",
        // few offsets: the weight gradient takes the unfolded dot-product path
        "2 7 5 3 2 2 2 1 0 1 1",
        "3 13 41 2 2 2 2 0 0 1 1",
        // more output positions than one reduction block (KC): the unfolding as A in two blocks
        "2 40 40 3 3 1 1 1 1 1 1",
        // 99 window offsets (a whole MC block of A's rows) and 1,064 positions in output rows of
        // 28: the first reduction block ends inside an output row, the second starts inside one
        "11 40 30 3 3 1 1 0 0 0 0",
    };

    /**
     * Output rows of one vector less, one, two, and one more than two vectors wide: rows of one
     * to two vectors are copied as two vectors each, the others in general runs.
     */
    private static String[] runGeometries() {
        int l = FloatVector.SPECIES_PREFERRED.length();
        return IntStream.of(l - 1, l, 2 * l, 2 * l + 1)
                .mapToObj(ow -> "3 5 " + (ow + 2) + " 3 3 1 1 0 0 0 0")
                .toArray(String[]::new);
    }

    private static Window2d w(String csv) {
        int[] v = Arrays.stream(csv.split(" ")).mapToInt(Integer::parseInt).toArray();
        return new Window2d(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }

    @Test
    void vectorKernelsMatchUnfoldingFirst() {
        check(new VectorKernels());
    }

    @Test
    void scalarKernelsMatchUnfoldingFirst() {
        check(new ScalarKernels());
    }

    private static void check(Kernels k) {
        Random r = new Random(7);
        for (String geo : Stream.concat(Arrays.stream(GEOMETRIES), Arrays.stream(runGeometries())).toList()) {
            Window2d g = w(geo);
            int kk = g.colRows();
            int p = g.outPlane();
            float[] x = random(r, 5 + g.channels() * g.inPlane());
            float[] col = new float[kk * p];
            k.im2col(x, 5, g, col, 0);
            for (int rows : new int[] {6, 20}) {
                // forward: C[rows][P] = A[rows][K] · col, whole and from column 48 on
                float[] a = random(r, 3 + rows * kk);
                float[] init = random(r, rows);
                for (int from : new int[] {0, 48}) {
                    if (from >= p) {
                        continue;
                    }
                    int n = p - from;
                    for (int mode = 0; mode < 3; mode++) {
                        float[] c0 = random(r, 4 + rows * (n + 2));
                        float[] c1 = c0.clone();
                        boolean acc = mode == 1;
                        float[] ri = mode == 2 ? init : null;
                        if (ri != null) {
                            k.gemmRowInit(false, false, 0, rows, n, kk, a, 3, kk, col, from, p, c0, 4, n + 2, ri);
                        } else {
                            k.gemm(false, false, 0, rows, n, kk, a, 3, kk, col, from, p, c0, 4, n + 2, acc);
                        }
                        onFreshThread(() -> k.gemmUnfolded(false, 0, rows, n, kk, a, 3, kk, x, 5, g, from, c1, 4, n + 2,
                                acc, ri));
                        assertArrayEquals(c0, c1, k.name() + " forward " + g + " rows " + rows + " from " + from
                                + " mode " + mode);
                    }
                }
                // weight gradient: C[rows][K] = D[rows][P] · colᵀ, whole and from offset 48 on,
                // over a row range that is not the whole of C
                float[] d = random(r, 2 + rows * p);
                for (int from : new int[] {0, 48}) {
                    if (from >= kk) {
                        continue;
                    }
                    int n = kk - from;
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] c0 = random(r, 1 + rows * n);
                        float[] c1 = c0.clone();
                        k.gemm(false, true, 1, rows, n, p, d, 2, p, col, from * p, p, c0, 1, n, acc);
                        onFreshThread(() -> k.gemmUnfolded(true, 1, rows, n, p, d, 2, p, x, 5, g, from, c1, 1, n, acc,
                                null));
                        assertArrayEquals(c0, c1, k.name() + " weight gradient " + g + " rows " + rows + " from "
                                + from + " acc " + acc);
                    }
                }
            }
            // weight gradient transposed: Cᵀ[K][F] = col · Dᵀ, the unfolding as the left operand,
            // for few and for packed numbers of columns, over a range of its rows
            for (int f : new int[] {6, 50}) {
                float[] d = random(r, 2 + f * p);
                int rowFrom = Math.min(3, kk - 1);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] c0 = random(r, 1 + kk * f);
                    float[] c1 = c0.clone();
                    k.gemm(false, true, rowFrom, kk, f, p, col, 0, p, d, 2, p, c0, 1, f, acc);
                    onFreshThread(() -> k.unfoldedGemm(true, rowFrom, kk, f, p, x, 5, g, d, 2, p, c1, 1, f, acc));
                    assertArrayEquals(c0, c1, k.name() + " transposed weight gradient " + g + " columns " + f
                            + " acc " + acc);
                }
            }
        }
    }

    /**
     * Runs {@code call} on a thread of its own, so with packing buffers of its own, all zeros: an
     * element the packing fails to write then shows, instead of keeping the value the reference
     * product (on this thread) packed in the same place.
     */
    private static void onFreshThread(Runnable call) {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (failure[0] != null) {
            throw new AssertionError("the unfolded product failed", failure[0]);
        }
    }
}
