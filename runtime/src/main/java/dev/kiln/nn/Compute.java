package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * What a layer computes with: the kernels chosen for this JVM and the one worker pool, and the
 * ways layers split work over the pool.
 */
public final class Compute {

    private final Kernels kernels;
    private final Parallel parallel;
    private final ParallelGemm gemm;
    private final UnfoldedGemmSum unfoldedSum;

    /**
     * @param kernels  scalar or vector kernels
     * @param parallel the worker pool
     */
    public Compute(Kernels kernels, Parallel parallel) {
        this.kernels = kernels;
        this.parallel = parallel;
        this.gemm = new ParallelGemm(this);
        this.unfoldedSum = new UnfoldedGemmSum(this);
    }

    /** Scalar or vector kernels. */
    public Kernels kernels() {
        return kernels;
    }

    /** The worker pool. */
    public Parallel parallel() {
        return parallel;
    }

    /**
     * {@code C = op(A)·op(B)} ({@code C +=} when {@code accumulate}) for whole matrices, split
     * over the pool by rows or column strips (see {@link ParallelGemm}); the same bits at any
     * thread count.
     */
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
                     float[] c, int ldc, boolean accumulate) {
        gemm.gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /**
     * {@code C = Σ_{i < items} A_i·op(col_i)} into {@code c[m][n]} (dense), {@code col_i} the
     * im2col unfolding under {@code g} of the sample at {@code x[i·xStride]}
     * ({@link Kernels#gemmUnfolded}, never materialized): a convolution's weight gradient
     * {@code dW = Σ dY_n·col_nᵀ} with {@code transB}. Split over fixed groups of samples whose
     * partial sums are added in order ({@link UnfoldedGemmSum}): the same bits at any thread count.
     * Unless {@code rowSums} is null, also {@code rowSums[r] = Σ_i Σ_p A_i[r][p]}, each sample's
     * row sums added in sample order: a convolution's bias gradient {@code db = Σ_n Σ_p dY_n}.
     */
    public void gemmSumUnfolded(boolean transB, int m, int n, int k, float[] a, int lda, int aStride, float[] x,
                                int xStride, Window2d g, int items, float[] c, float[] rowSums) {
        unfoldedSum.sum(transB, m, n, k, a, lda, aStride, x, xStride, g, items, c, rowSums);
    }

    /**
     * Floats of scratch {@link #gemmSumUnfolded} keeps for a sum of {@code items} products of
     * {@code m×n}: one partial sum per group of samples, and each sample's {@code m} row sums. Kept
     * between calls and shared by the layers of one {@code Compute} (it grows to the largest), so
     * adding it up per layer overestimates.
     */
    public static long gemmSumUnfoldedScratch(int items, int m, int n) {
        return (long) ((items + UnfoldedGemmSum.GROUP - 1) / UnfoldedGemmSum.GROUP) * m * n + (long) items * m;
    }

    /** Element-wise work is split in chunks that are multiples of this, so vector and scalar
     *  tails fall on the same elements at any thread count. */
    public static final int ELEMENT_GRAIN = 1024;

    /**
     * Element-wise work below this many elements runs on the calling thread. Waking a second
     * thread and waiting for it costs several microseconds, more than it saves on a few thousand
     * elements: at 2 threads the MLP's ReLU backward (32,768 elements, 8 chunks) took 11 µs
     * against 5 µs on one thread ({@code StepScaling}). Larger work keeps about four chunks per
     * thread, so the caller takes more of them while a parked worker wakes up.
     */
    public static final int ELEMENT_INLINE_BELOW = 64 * ELEMENT_GRAIN;

    /** Runs an element-wise kernel over {@code [0, n)}: in parallel from {@link #ELEMENT_INLINE_BELOW} elements. */
    public void elementwise(int n, Parallel.RangeBody body) {
        int grain = n < ELEMENT_INLINE_BELOW ? n : Math.max(ELEMENT_GRAIN,
                (n / (parallel.threads() * 4) + ELEMENT_GRAIN - 1) / ELEMENT_GRAIN * ELEMENT_GRAIN);
        parallel.forRange(n, grain, body);
    }

    /** Runs a row-wise kernel over {@code rows} rows, in chunks that are multiples of 4 rows. */
    public void rows(int rows, Parallel.RangeBody body) {
        int grain = (parallel.grainFor(rows, 4) + 3) / 4 * 4;
        parallel.forRange(rows, grain, body);
    }

    /**
     * As {@link #rows}, for a GEMM over {@code rows} output rows: chunks of at least 32 rows when
     * there are enough rows for every thread (still multiples of 4, still about four per thread on
     * large products). Each chunk packs the whole of {@code op(B)}, which 8-row chunks of a
     * 64-row product cannot repay (measured at 64×512×784, one thread: ~50 GFLOP/s in 8-row
     * chunks, ~90 in 32-row chunks, ~105 in one). Results do not depend on the chunks.
     */
    public void gemmRows(int rows, Parallel.RangeBody body) {
        int perThread = (rows + parallel.threads() - 1) / parallel.threads();
        int min = Math.min(GEMM_MIN_ROWS, (perThread + 3) / 4 * 4);
        int grain = Math.max(min, (parallel.grainFor(rows, 4) + 3) / 4 * 4);
        parallel.forRange(rows, grain, body);
    }

    /** Smallest GEMM chunk worth packing for, when the rows allow it: see {@link #gemmRows}. */
    static final int GEMM_MIN_ROWS = 32;
}
