package dev.kiln.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector kernels must agree with the scalar reference on awkward (non-multiple-of-lane) sizes. */
class KernelAgreementTest {

    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = new VectorKernels();

    @Test
    void vectorModuleIsPresentInTests() {
        assertEquals("vector", KernelProvider.get().name(), "surefire runs with --add-modules jdk.incubator.vector");
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,33,17", "7,47,129", "13,100,31", "50,10,512", "9,784,3", "64,65,66"})
    void gemmAgreesInEveryTransposition(int m, int n, int k) {
        Random r = new Random(m * 1000 + n * 10 + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                float[] c0 = random(r, m * n);
                float[] c1 = c0.clone();
                float[] c2 = c0.clone();
                float[] c3 = c0.clone();
                scalar.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, c0, n, false);
                vector.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, c1, n, false);
                assertClose(c0, c1, k, "gemm ta=" + ta + " tb=" + tb);
                scalar.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, c2, n, true);
                vector.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, c3, n, true);
                assertClose(c2, c3, k, "gemm accumulate ta=" + ta + " tb=" + tb);
            }
        }
    }

    @Test
    void gemmRowSplitDoesNotChangeBits() {
        Random r = new Random(7);
        int m = 23, n = 70, k = 45;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        for (boolean tb : new boolean[] {false, true}) {
            float[] whole = new float[m * n];
            float[] split = new float[m * n];
            vector.gemm(false, tb, 0, m, n, k, a, k, b, tb ? k : n, whole, n, false);
            int[] cuts = {0, 3, 4, 9, 16, 23};
            for (int i = 0; i + 1 < cuts.length; i++) {
                vector.gemm(false, tb, cuts[i], cuts[i + 1], n, k, a, k, b, tb ? k : n, split, n, false);
            }
            assertArrayEquals(whole, split, "transB=" + tb);
        }
    }

    /**
     * Awkward sizes (around the lane count, the micro-tile and the cache blocks) in all four
     * transpositions, with and without accumulation: close to the scalar reference, and bit for
     * bit the same whatever the row split (random cuts, at multiples of 4 like
     * {@code Compute.rows} and at any row), which also mixes the packed and unpacked paths.
     * Without accumulation the bits equal the scalar reference's (except for the dot-product
     * path of narrow {@code A·Bᵀ}, which sums in another order).
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,17,33", "17,33,3", "33,65,127", "65,127,17", "127,3,65", "513,33,17", "17,513,33",
                "33,17,513", "65,127,513", "127,513,65", "513,65,127", "40,1600,19", "96,200,300", "24,80,40", "20,70,1100",
                // op(B)ᵀ's columns 2 KB apart or a multiple, aliasing in L1 (packed by scatters before the
                // 16×16 register blocks); partial strips of 4 and 1 columns
                "64,100,512", "17,145,1024",
                // op(A)ᵀ's rows a multiple of PackedGemm.STAGE_STRIDE apart (staged, then gathered, without
                // 16-float vectors); a reduction 12 past the last whole block
                "512,50,64", "256,70,1100"})
    void packedGemmAgreesAndRowSplitsDoNotChangeBits(int m, int n, int k) {
        Random r = new Random(31L * m + 17L * n + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                float[] c = random(r, m * n);
                for (boolean acc : new boolean[] {false, true}) {
                    String what = "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc;
                    float[] ref = c.clone();
                    scalar.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, ref, n, acc);
                    float[] whole = c.clone();
                    vector.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, whole, n, acc);
                    assertClose(ref, whole, k, what);
                    if (!acc && !(tb && !ta && VectorKernels.dotProducts(n, k))) {
                        // both FMA-chain paths run the reference's own chain: equal bits
                        assertArrayEquals(ref, whole, what + " (bits of the scalar reference)");
                    }
                    for (int trial = 0; trial < 3; trial++) {
                        float[] split = c.clone();
                        int from = 0;
                        while (from < m) {
                            int len = trial == 0 ? 4 * (1 + r.nextInt(12)) : 1 + r.nextInt(Math.max(1, m / 2));
                            int to = Math.min(m, from + len);
                            vector.gemm(ta, tb, from, to, n, k, a, lda, b, ldb, split, n, acc);
                            from = to;
                        }
                        assertArrayEquals(whole, split, what + " split trial " + trial);
                    }
                }
            }
        }
    }

    /**
     * Starting each row's sums from a value gives the bits of filling the row with it and
     * accumulating, on the packed and unpacked paths, edge tiles included, whatever the row split.
     */
    @ParameterizedTest
    @CsvSource({"1,1,1", "3,17,33", "17,33,3", "33,65,127", "65,127,513", "127,513,65", "64,576,288", "32,676,9", "24,80,40", "19,65,21"})
    void gemmRowInitIsFillThenAccumulate(int m, int n, int k) {
        Random r = new Random(7L * m + 3L * n + k);
        float[] init = random(r, m);
        for (Kernels kernels : new Kernels[] {scalar, vector}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(r, m * k);
                    float[] b = random(r, k * n);
                    int lda = ta ? m : k;
                    int ldb = tb ? k : n;
                    String what = kernels.name() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb;
                    float[] expected = new float[m * n];
                    for (int i = 0; i < m; i++) {
                        Arrays.fill(expected, i * n, (i + 1) * n, init[i]);
                    }
                    kernels.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, expected, n, true);
                    float[] whole = random(r, m * n);
                    kernels.gemmRowInit(ta, tb, 0, m, n, k, a, 0, lda, b, 0, ldb, whole, 0, n, init);
                    assertArrayEquals(expected, whole, what);
                    float[] split = random(r, m * n);
                    for (int from = 0; from < m; ) {
                        int to = Math.min(m, from + 1 + r.nextInt(Math.max(1, m / 2)));
                        kernels.gemmRowInit(ta, tb, from, to, n, k, a, 0, lda, b, 0, ldb, split, 0, n, init);
                        from = to;
                    }
                    assertArrayEquals(expected, split, what + " split");
                }
            }
        }
    }

    /**
     * Operands inside larger arrays (offsets, leading dimensions wider than the matrix), the way
     * the convolution layers pass one sample of a batch: same bits as the packed copy.
     */
    @Test
    void gemmHonoursOffsetsAndLeadingDimensions() {
        Random r = new Random(13);
        int m = 45, n = 70, k = 300, pad = 7, off = 11;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
                float[] a = random(r, off + (ta ? k : m) * lda);
                float[] b = random(r, off + (tb ? n : k) * ldb);
                float[] c0 = random(r, off + m * ldc);
                float[] c1 = c0.clone();
                scalar.gemm(ta, tb, 0, m, n, k, a, off, lda, b, off, ldb, c0, off, ldc, false);
                vector.gemm(ta, tb, 0, m, n, k, a, off, lda, b, off, ldb, c1, off, ldc, false);
                assertClose(c0, c1, k, "ta=" + ta + " tb=" + tb);
                for (int i = 0; i < off; i++) {
                    assertEquals(c0[i], c1[i], "untouched before the offset");
                }
            }
        }
    }

    @Test
    void elementwiseKernelsAgree() {
        Random r = new Random(3);
        int n = 1037;
        float[] x = random(r, n);
        float[] y0 = new float[n];
        float[] y1 = new float[n];
        scalar.relu(x, y0, 5, n);
        vector.relu(x, y1, 5, n);
        assertArrayEquals(y0, y1);

        float[] g = random(r, n);
        scalar.reluBackward(y0, g, y0.clone(), 0, n);
        float[] d0 = new float[n];
        float[] d1 = new float[n];
        scalar.reluBackward(y0, g, d0, 3, n);
        vector.reluBackward(y0, g, d1, 3, n);
        assertArrayEquals(d0, d1);

        float[] bias = random(r, 37);
        float[] c0 = random(r, 11 * 37);
        float[] c1 = c0.clone();
        scalar.addRowVector(c0, 1, 11, 37, bias);
        vector.addRowVector(c1, 1, 11, 37, bias);
        assertArrayEquals(c0, c1);

        float[] s0 = new float[37];
        float[] s1 = new float[37];
        scalar.sumColumns(c0, 11, 37, 2, 37, s0);
        vector.sumColumns(c0, 11, 37, 2, 37, s1);
        assertArrayEquals(s0, s1);

        byte[] px = new byte[789];
        r.nextBytes(px);
        float[] n0 = new float[785];
        float[] n1 = new float[785];
        scalar.normalize(px, 4, n0, 0, 785, 1f / 255, -0.5f);
        vector.normalize(px, 4, n1, 0, 785, 1f / 255, -0.5f);
        assertArrayEquals(n0, n1);
    }

    @Test
    void optimizerKernelsAgree() {
        Random r = new Random(11);
        int n = 531;
        float[] p0 = random(r, n), g = random(r, n), m0 = random(r, n), v0 = abs(random(r, n));
        float[] p1 = p0.clone(), m1 = m0.clone(), v1 = v0.clone();
        scalar.adam(p0, g, m0, v0, 1, n, 0.9f, 0.999f, 1e-3f, 1e-8f);
        vector.adam(p1, g, m1, v1, 1, n, 0.9f, 0.999f, 1e-3f, 1e-8f);
        assertClose(p0, p1, 1, "adam p");
        assertClose(m0, m1, 1, "adam m");
        assertClose(v0, v1, 1, "adam v");

        float[] q0 = random(r, n), vel0 = random(r, n);
        float[] q1 = q0.clone(), vel1 = vel0.clone();
        scalar.sgd(q0, g, vel0, 2, n, 0.01f, 0.9f);
        vector.sgd(q1, g, vel1, 2, n, 0.01f, 0.9f);
        assertClose(q0, q1, 1, "sgd p");
        assertClose(vel0, vel1, 1, "sgd velocity");
    }

    @Test
    void vectorAdamIsBitIdenticalWhateverTheChunkStart() {
        Random r = new Random(5);
        int n = 300;
        float[] p = random(r, n), g = random(r, n), m = random(r, n), v = abs(random(r, n));
        float[] p0 = p.clone(), m0 = m.clone(), v0 = v.clone();
        float[] p1 = p.clone(), m1 = m.clone(), v1 = v.clone();
        vector.adam(p0, g, m0, v0, 0, n, 0.9f, 0.999f, 1e-3f, 1e-8f);
        // a chunk boundary at 7 moves elements between the scalar tail and vector lanes
        vector.adam(p1, g, m1, v1, 0, 7, 0.9f, 0.999f, 1e-3f, 1e-8f);
        vector.adam(p1, g, m1, v1, 7, n, 0.9f, 0.999f, 1e-3f, 1e-8f);
        assertArrayEquals(p0, p1);
        assertArrayEquals(v0, v1);
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] abs(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return a;
    }

    /** Summation order differs between the kernels; allow a few ulps per accumulated term. */
    static void assertClose(float[] expected, float[] actual, int terms, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float tol = 1e-5f * (1 + Math.abs(expected[i])) * (float) Math.sqrt(terms);
            if (Math.abs(expected[i] - actual[i]) > tol) {
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
