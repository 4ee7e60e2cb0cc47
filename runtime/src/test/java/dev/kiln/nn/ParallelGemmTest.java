package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.ScalarKernels;
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

    @ParameterizedTest
    @CsvSource({"64,512,784", "64,784,512", "50,130,97", "64,96,33", "64,47,200", "200,64,64", "7,300,5"})
    void sameBitsAtAnyThreadCount(int m, int n, int k) {
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(m * 31L + n * 7L + k);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = RandomArrays.gaussian(r, m * k);
                    float[] b = RandomArrays.gaussian(r, k * n);
                    float[] c0 = RandomArrays.gaussian(r, m * n);
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
