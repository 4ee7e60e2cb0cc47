package dev.kiln.kernels;

import dev.kiln.parallel.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Kernels.SharedGemm}: op(B) packed once by all threads, rows claimed in blocks, gives the
 * bits of the whole product computed on one thread, on every block edge (more columns than one
 * panel, reductions longer than one block, partial row blocks and strips).
 */
class SharedGemmTest {

    private final Kernels vector = new VectorKernels();

    @ParameterizedTest
    @CsvSource({"200,1600,200", "97,50,1100", "40,30,2100", "300,49,5", "8,48,192", "1,1,1"})
    void sameBitsAsTheWholeProductAtAnyThreadCount(int m, int n, int k) {
        Random r = new Random(13L * m + 7L * n + k);
        Kernels.SharedGemm shared = vector.newSharedGemm();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                if (tb && !ta && VectorKernels.dotProducts(n, k)) {
                    continue; // declined, see below
                }
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                float[] c0 = random(r, m * n);
                int lda = ta ? m : k;
                int ldb = tb ? k : n;
                for (boolean acc : new boolean[] {false, true}) {
                    float[] whole = c0.clone();
                    vector.gemm(ta, tb, 0, m, n, k, a, lda, b, ldb, whole, n, acc);
                    for (int threads : new int[] {1, 2, 3}) {
                        float[] c = c0.clone();
                        try (Parallel pool = new Parallel(threads)) {
                            assertTrue(shared.gemm(pool, ta, tb, m, n, k, a, lda, b, ldb, c, n, acc));
                        }
                        assertArrayEquals(whole, c, m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " acc=" + acc
                                + " threads=" + threads);
                    }
                }
            }
        }
    }

    /**
     * A task that fails (here: C too short for its last rows) must not leave the other threads
     * waiting forever for the stages it would have finished; the pool reports its exception, and
     * the next call starts afresh.
     */
    @Test
    void aFailingTaskEndsTheProductWithItsExceptionAndTheNextCallWorks() {
        Random r = new Random(11);
        int m = 200;
        int n = 100;
        int k = 2100; // 4 row blocks, 3 stages: later stages wait on the failed block
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        Kernels.SharedGemm shared = vector.newSharedGemm();
        try (Parallel pool = new Parallel(2)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(IndexOutOfBoundsException.class,
                    () -> shared.gemm(pool, false, false, m, n, k, a, k, b, n, new float[m * n - 1], n, false)));
            float[] whole = new float[m * n];
            vector.gemm(false, false, 0, m, n, k, a, k, b, n, whole, n, false);
            float[] c = new float[m * n];
            assertTrue(shared.gemm(pool, false, false, m, n, k, a, k, b, n, c, n, false));
            assertArrayEquals(whole, c);
        }
    }

    /**
     * A task that waits longer than the pool's spin budget (its awaited thread descheduled by
     * the host) sleeps between polls, leaving the core to others, instead of spinning on.
     */
    @Test
    void aLongWaitSleepsBetweenPollsInsteadOfSpinning() {
        PackedGemm.Shared shared = new PackedGemm.Shared();
        long longAgo = System.nanoTime() - 10 * Parallel.SPIN_NANOS;
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertTrue(shared.pause(longAgo), "no task failed");
        }
        long took = System.nanoTime() - t0;
        // a lower bound only: parkNanos may return early now and then, never spin 20 times for 0.5 ms
        assertTrue(took >= 10 * PackedGemm.Shared.POLL_NANOS, "20 polls took only " + took + " ns");
    }

    /** A narrow {@code A·Bᵀ} runs as dot products (another chain): left to the caller, C untouched. */
    @Test
    void declinesTheDotProductShapesAndLeavesCUntouched() {
        Random r = new Random(5);
        int m = 300;
        int n = 10;
        int k = 64;
        float[] c = random(r, m * n);
        float[] before = c.clone();
        try (Parallel pool = new Parallel(2)) {
            assertFalse(vector.newSharedGemm().gemm(pool, false, true, m, n, k, random(r, m * k), k, random(r, n * k), k,
                    c, n, false));
        }
        assertArrayEquals(before, c);
    }

    /** The scalar kernels pack nothing: they decline every product, leaving C untouched. */
    @Test
    void scalarKernelsDeclineEveryProduct() {
        float[] c = {1, 2, 3, 4};
        try (Parallel pool = new Parallel(2)) {
            assertFalse(new ScalarKernels().newSharedGemm().gemm(pool, false, false, 2, 2, 2, new float[] {1, 2, 3, 4}, 2,
                    new float[] {1, 2, 3, 4}, 2, c, 2, false));
        }
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
    }

    private static float[] random(Random r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
