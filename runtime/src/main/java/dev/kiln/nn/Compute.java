package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.parallel.Parallel;

/**
 * What a layer computes with: the kernels chosen for this JVM and the one worker pool.
 *
 * @param kernels  scalar or vector kernels
 * @param parallel the worker pool
 */
public record Compute(Kernels kernels, Parallel parallel) {

    /** Element-wise work is split in chunks that are multiples of this, so vector and scalar
     *  tails fall on the same elements at any thread count. */
    public static final int ELEMENT_GRAIN = 1024;

    /** Runs an element-wise kernel over {@code [0, n)} in parallel. */
    public void elementwise(int n, Parallel.RangeBody body) {
        int grain = Math.max(ELEMENT_GRAIN,
                (n / (parallel.threads() * 4) + ELEMENT_GRAIN - 1) / ELEMENT_GRAIN * ELEMENT_GRAIN);
        parallel.forRange(n, grain, body);
    }

    /** Runs a row-wise kernel over {@code rows} rows, in chunks that are multiples of 4 rows. */
    public void rows(int rows, Parallel.RangeBody body) {
        int grain = (parallel.grainFor(rows, 4) + 3) / 4 * 4;
        parallel.forRange(rows, grain, body);
    }
}
