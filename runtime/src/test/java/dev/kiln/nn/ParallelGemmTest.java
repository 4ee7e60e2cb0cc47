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
 * strips or packs B once for all threads (widths that are and are not multiples of the strip,
 * every transposition, accumulation), and each split is really taken where it should be.
 */
class ParallelGemmTest {

    @ParameterizedTest
    @CsvSource({"64,512,784", "64,784,512", "50,130,97", "64,96,33", "64,47,200", "200,64,64", "7,300,5"})
    void sameBitsAtAnyThreadCount(int m, int n, int k) {
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            assertSameBitsAtOneTwoAndThreeThreads(kernels, m, n, k);
        }
    }

    /** Every transposition, with and without accumulation: the same C at 1, 2 and 3 threads. */
    private static void assertSameBitsAtOneTwoAndThreeThreads(Kernels kernels, int m, int n, int k) {
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

    /**
     * A tall product with a large B goes whole to the kernels' shared-B GEMM from 384 rows per
     * thread on; below that, and on one thread, it is split into row chunks.
     */
    @Test
    void tallProductsWithLargeBPackItOnceForAllThreads() {
        int n = 512;
        int k = 512; // k·n = 2^18 elements of B
        assertEquals(java.util.List.of(1, 0), splitOf(2, 768, n, k), "768 rows, 2 threads: shared B, no row chunks");
        assertEquals(java.util.List.of(0, 2), splitOf(2, 512, n, k), "512 rows, 2 threads: one row chunk per thread");
        assertEquals(java.util.List.of(0, 1), splitOf(1, 768, n, k), "one thread: the whole product");
    }

    /** {@code [shared-B products, row-range GEMM calls]} for one product on the vector kernels. */
    private static java.util.List<Integer> splitOf(int threads, int m, int n, int k) {
        SharedCounting counting = new SharedCounting(null);
        try (Parallel p = new Parallel(threads)) {
            new Compute(counting.kernels, p).gemm(false, false, m, n, k, new float[m * k], k, new float[k * n], n,
                    new float[m * n], n, false);
        }
        return java.util.List.of(counting.shared.get(), counting.rows.get());
    }

    /**
     * A GEMM started inside another one's body (here: from the first row-range kernel call of a
     * small product) does not take the shared-B path, whose packing buffer it would allocate anew.
     */
    @Test
    void nestedCallsDoNotShareB() {
        int m = 768;
        int n = 512;
        int k = 512;
        try (Parallel p = new Parallel(2)) {
            Compute[] compute = new Compute[1];
            SharedCounting counting = new SharedCounting(() -> compute[0].gemm(false, false, m, n, k, new float[m * k],
                    k, new float[k * n], n, new float[m * n], n, false));
            compute[0] = new Compute(counting.kernels, p);
            compute[0].gemm(false, false, 64, 10, 8, new float[64 * 8], 8, new float[8 * 10], 10, new float[64 * 10],
                    10, false);
            assertEquals(true, counting.nestedRan.get(), "the nested GEMM ran");
            assertEquals(0, counting.shared.get(), "no shared-B product");
        }
    }

    /**
     * The vector kernels behind a proxy that counts row-range GEMM calls and shared-B products;
     * {@code nested} (if not null) runs once, inside the first row-range call.
     */
    private static final class SharedCounting {
        final AtomicInteger shared = new AtomicInteger();
        final AtomicInteger rows = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean nestedRan = new java.util.concurrent.atomic.AtomicBoolean();
        final Kernels kernels;

        SharedCounting(Runnable nested) {
            Kernels vector = KernelProvider.get();
            kernels = (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                    new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
                        if (method.getName().equals("gemm") && args != null && args.length == 16) {
                            rows.incrementAndGet();
                            if (nested != null && nestedRan.compareAndSet(false, true)) {
                                nested.run();
                            }
                        }
                        Object result = method.invoke(vector, args);
                        if (method.getName().equals("newSharedGemm")) {
                            Kernels.SharedGemm inner = (Kernels.SharedGemm) result;
                            return (Kernels.SharedGemm) (pool, ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc) -> {
                                boolean done = inner.gemm(pool, ta, tb, mm, nn, kk, a, lda, b, ldb, c, ldc, acc);
                                if (done) {
                                    shared.incrementAndGet();
                                }
                                return done;
                            };
                        }
                        return result;
                    });
        }
    }

    /** Shapes on the shared-B path at 2 threads (not at 3): the same bits as the row splits. */
    @ParameterizedTest
    @CsvSource({"1200,520,512", "800,600,450"})
    void sharedBPathGivesTheSameBitsAsRowSplits(int m, int n, int k) {
        assertSameBitsAtOneTwoAndThreeThreads(KernelProvider.get(), m, n, k);
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
     * Each thread's block of columns ends near {@code n/threads}, at a multiple of the kernels'
     * column step, and is cut into chunks of whole strips from its start: 512 columns with a step
     * of 16 go 96 and 160 to the first thread, 96 and 160 to the second, not 288 and 224.
     */
    @Test
    void columnBlocksAreEvenAndChunksWholeStrips() {
        java.util.Map<Integer, Integer> widthAt = new java.util.concurrent.ConcurrentSkipListMap<>();
        Kernels counting = onEachGemm(args -> widthAt.put((int) args[13], (int) args[4]), 16);
        try (Parallel p = new Parallel(2)) {
            new Compute(counting, p).gemm(false, false, 64, 512, 8, new float[64 * 8], 8, new float[8 * 512], 512,
                    new float[64 * 512], 512, false);
        }
        assertEquals(java.util.Map.of(0, 96, 96, 160, 256, 96, 352, 160), widthAt);
    }

    /**
     * The scalar kernels (a final class) behind a recording proxy: {@code onGemm} sees the
     * arguments of every offset GEMM call, so a test sees how a product was split.
     */
    private static Kernels onEachGemm(java.util.function.Consumer<Object[]> onGemm) {
        return onEachGemm(onGemm, 0);
    }

    /** As {@link #onEachGemm(java.util.function.Consumer)}, with a column step of {@code step} when positive. */
    private static Kernels onEachGemm(java.util.function.Consumer<Object[]> onGemm, int step) {
        ScalarKernels scalar = new ScalarKernels();
        return (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
                    if (method.getName().equals("gemm") && args.length == 16) {
                        onGemm.accept(args);
                    }
                    if (step > 0 && method.getName().equals("gemmColumnStep")) {
                        return step;
                    }
                    return method.invoke(scalar, args);
                });
    }
}
