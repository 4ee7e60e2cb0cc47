package dev.kiln.nn;

import dev.kiln.kernels.ScalarKernels;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeTest {

    /** GEMM chunks cover the rows once, start at multiples of 4, and are large enough to pack for. */
    @ParameterizedTest
    @CsvSource({"50,2", "64,2", "64,1", "784,2", "1024,2", "16,2", "3,2", "512,5"})
    void gemmRowsCoversTheRowsInChunksOfMultiplesOfFour(int rows, int threads) {
        try (Parallel p = new Parallel(threads)) {
            Compute c = new Compute(new ScalarKernels(), p);
            List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
            c.gemmRows(rows, (from, to) -> chunks.add(new int[] {from, to}));
            chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
            int next = 0;
            for (int[] ch : chunks) {
                assertEquals(next, ch[0]);
                assertEquals(0, ch[0] % 4, "chunk start");
                next = ch[1];
            }
            assertEquals(rows, next);
            if (rows >= 2 * Compute.GEMM_MIN_ROWS * threads && threads > 1) {
                assertTrue(chunks.get(0)[1] - chunks.get(0)[0] >= Compute.GEMM_MIN_ROWS);
            }
        }
    }

    /**
     * Element-wise work below {@link Compute#ELEMENT_INLINE_BELOW} runs as one chunk on the
     * calling thread; larger work splits into several chunks at multiples of
     * {@link Compute#ELEMENT_GRAIN}, covering the range once.
     */
    @ParameterizedTest
    @CsvSource({"32768,2", "65535,2", "65536,2", "401408,2", "401408,1", "100000,3"})
    void elementwiseRunsSmallWorkOnTheCallerAndSplitsLargeWorkAtTheGrain(int n, int threads) {
        try (Parallel p = new Parallel(threads)) {
            Compute c = new Compute(new ScalarKernels(), p);
            List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
            Thread caller = Thread.currentThread();
            List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
            c.elementwise(n, (from, to) -> {
                chunks.add(new int[] {from, to});
                ranOn.add(Thread.currentThread());
            });
            chunks.sort((x, y) -> Integer.compare(x[0], y[0]));
            int next = 0;
            for (int[] ch : chunks) {
                assertEquals(next, ch[0]);
                assertEquals(0, ch[0] % Compute.ELEMENT_GRAIN, "chunk start");
                next = ch[1];
            }
            assertEquals(n, next);
            if (n < Compute.ELEMENT_INLINE_BELOW || threads == 1) {
                assertEquals(1, chunks.size(), n + " elements in one chunk");
                assertEquals(caller, ranOn.get(0), "on the calling thread");
            } else {
                assertTrue(chunks.size() >= 2 * threads, n + " elements in " + chunks.size() + " chunks");
            }
        }
    }
}
