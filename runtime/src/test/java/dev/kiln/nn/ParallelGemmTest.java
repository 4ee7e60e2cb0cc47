package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Compute#gemm}: the same bits at 1, 2 and 3 threads whether it splits rows or column
 * strips (widths that are and are not multiples of the strip, every transposition,
 * accumulation), and the column split is really taken for short wide products.
 */
class ParallelGemmTest {

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"64,512,784", "64,784,512", "50,130,97", "64,96,33", "64,47,200", "200,64,64", "7,300,5"})
    void sameBitsAtAnyThreadCount(int m, int n, int k) {
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(m * 31L + n * 7L + k);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(r, m * k);
                    float[] b = random(r, k * n);
                    float[] c0 = random(r, m * n);
                    int lda = ta ? m : k;
                    int ldb = tb ? k : n;
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] expected = null;
                        for (int threads : new int[] {1, 2, 3}) {
                            float[] c = c0.clone();
                            try (Parallel p = new Parallel(threads)) {
                                new Compute(kernels, p).gemm(ta, tb, m, n, k, a, lda, b, ldb, c, n, acc);
                            }
                            if (expected == null) {
                                expected = c;
                            } else {
                                assertArrayEquals(expected, c, kernels.name() + " " + m + "x" + n + "x" + k + " ta=" + ta
                                        + " tb=" + tb + " acc=" + acc + " threads=" + threads);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A sum over items (a convolution's weight gradient over samples) equals the items'
     * products accumulated one after the other, bit for bit, at 1, 2 and 3 threads, split over
     * rows (few columns) or column strips.
     */
    @ParameterizedTest
    @CsvSource({"64,288,576,5", "32,9,676,4", "8,200,30,3", "64,100,17,2"})
    void sumOverItemsIsTheItemsAccumulatedInOrder(int m, int n, int k, int items) {
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(m * 13L + n + k * 7L + items);
            // dY_i [m][k] and col_i [n][k] of each sample, as the convolution passes them
            float[] a = random(r, items * m * k);
            float[] b = random(r, items * n * k);
            float[] expected = new float[m * n];
            for (int i = 0; i < items; i++) {
                kernels.gemm(false, true, 0, m, n, k, a, i * m * k, k, b, i * n * k, k, expected, 0, n, i > 0);
            }
            for (int threads : new int[] {1, 2, 3}) {
                float[] c = random(r, m * n);
                try (Parallel p = new Parallel(threads)) {
                    new Compute(kernels, p).gemmSum(false, true, m, n, k, a, k, m * k, b, k, n * k, items, c, n);
                }
                assertArrayEquals(expected, c, kernels.name() + " " + m + "x" + n + "x" + k + " x" + items
                        + " threads=" + threads);
            }
        }
    }

    /**
     * A convolution's weight gradient with the samples' im2col packed from the input: the same
     * bits as unfolding each sample and summing its products in order, at 1, 2 and 3 threads,
     * split over strips of window offsets (32 channels: K = 288) or over filters (1 channel:
     * K = 9), padded and strided windows included.
     */
    @ParameterizedTest
    @CsvSource({"64,32,26,26,1,0,3", "32,1,28,28,1,0,4", "16,12,11,13,2,1,3"})
    void unfoldedSumIsTheUnfoldedItemsAccumulatedInOrder(int filters, int channels, int h, int w, int stride,
                                                         int pad, int items) {
        Window2d g = new Window2d(channels, h, w, 3, 3, stride, stride, pad, pad, pad, pad);
        int kk = g.colRows();
        int p = g.outPlane();
        int in = channels * h * w;
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(filters * 31L + channels + items);
            float[] dy = random(r, items * filters * p);
            float[] x = random(r, items * in);
            float[] col = new float[kk * p];
            float[] expected = new float[filters * kk];
            for (int i = 0; i < items; i++) {
                kernels.im2col(x, i * in, g, col, 0);
                kernels.gemm(false, true, 0, filters, kk, p, dy, i * filters * p, p, col, 0, p, expected, 0, kk, i > 0);
            }
            for (int threads : new int[] {1, 2, 3}) {
                float[] c = random(r, filters * kk);
                try (Parallel par = new Parallel(threads)) {
                    new Compute(kernels, par).gemmSumUnfolded(true, filters, kk, p, dy, p, filters * p, x, in, g, items,
                            c, kk);
                }
                assertArrayEquals(expected, c, kernels.name() + " " + g + " x" + items + " threads=" + threads);
            }
        }
    }

    /** A product whose B does not fit the cache is split into one row chunk per thread: B is packed once per thread. */
    @Test
    void largeBGivesEachThreadOneRowChunk() {
        AtomicInteger calls = new AtomicInteger();
        Kernels counting = onEachGemm(args -> calls.incrementAndGet());
        int m = 512; // not fewer rows than columns: a row split
        int n = 512;
        int k = 512; // k·n = 2^18 elements of B
        try (Parallel p = new Parallel(2)) {
            new Compute(counting, p).gemm(false, false, m, n, k, new float[m * k], k, new float[k * n], n,
                    new float[m * n], n, false);
        }
        assertEquals(2, calls.get(), "one row chunk per thread");
    }

    /** A batch of 64 against a 512-wide layer is split into column strips, each the whole batch. */
    @Test
    void shortWideProductsSplitColumns() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger fullHeight = new AtomicInteger();
        Kernels counting = onEachGemm(args -> {
            calls.incrementAndGet();
            if ((int) args[2] == 0 && (int) args[3] == 64 && (int) args[4] < 512) {
                fullHeight.incrementAndGet();
            }
        });
        try (Parallel p = new Parallel(2)) {
            new Compute(counting, p).gemm(false, false, 64, 512, 8, new float[64 * 8], 8, new float[8 * 512], 512,
                    new float[64 * 512], 512, false);
        }
        assertEquals(calls.get(), fullHeight.get(), "every chunk is a column strip of all 64 rows");
        assertEquals(true, calls.get() >= 2, "split into several strips");
    }

    /**
     * The scalar kernels (a final class) behind a recording proxy: {@code onGemm} sees the
     * arguments of every offset GEMM call, so a test sees how a product was split.
     */
    private static Kernels onEachGemm(java.util.function.Consumer<Object[]> onGemm) {
        ScalarKernels scalar = new ScalarKernels();
        return (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
                    if (method.getName().equals("gemm") && args.length == 16) {
                        onGemm.accept(args);
                    }
                    return method.invoke(scalar, args);
                });
    }
}
