package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.parallel.Parallel;

/**
 * One GEMM {@code C = op(A)·op(B)} ({@code C +=} when accumulating) over the worker pool, split
 * over rows of C or over strips of its columns, whichever makes each thread pack less.
 *
 * <p>A packed GEMM packs all of {@code op(B)} for every row chunk and all of {@code op(A)} for
 * every column chunk. With {@code T} threads a row split packs {@code m·k/T + k·n} per thread, a
 * column split {@code m·k + k·n/T}: columns win when {@code m < n}, the common case in training
 * (a batch of 64 rows against a layer 512 or 9,216 wide), where a row split had both threads
 * pack the whole weight matrix, provided there are at least two strips per thread (128 columns
 * split 48 and 80, and measured slower than rows: 2.3–2.6 vs 2.0–2.1 ms for the CNN's 9216→128
 * forward pass at 2 threads).
 *
 * <p>A tall product with a large op(B) (SGEMM 1024³) is handed whole to the kernels'
 * {@link Kernels.SharedGemm}, where the threads pack op(B) together once per block and claim
 * blocks of rows as they go, so a thread on a slower vCPU takes fewer (the hosts this is
 * measured on slow one vCPU at a time) and nobody packs B twice; a thread out of rows packs the
 * next block's panel instead of waiting for the other. SGEMM 1024³ at two threads, timed in
 * alternation with the FMA peak ({@code InterleavedGemm}): 0.59–0.79 of the peak (24 runs over two
 * sessions, medians 0.72 and 0.70) against 0.53–0.73 (median 0.56, 14 runs) for one row chunk
 * per thread.
 *
 * <p>Bits do not depend on the split: every element of C is one FMA chain over {@code k} in
 * order. Column chunks are at least {@link Kernels#gemmColumnGrain()} wide and start at
 * multiples of {@link Kernels#gemmColumnStep()}, so no chunk is narrow enough for a kernel to
 * pick another code path than the whole product would.
 *
 * <p>One instance per {@link Compute}; the call's operands are kept in fields for the two
 * bodies, made once, so a call allocates nothing. A call made while another is running (from
 * inside a parallel body) uses a fresh instance.
 */
final class ParallelGemm {

    private final Compute compute;
    private final Kernels kernels;
    private final Parallel parallel;
    private boolean busy;
    private final boolean nested;

    private boolean transA;
    private boolean transB;
    private boolean accumulate;
    private int n;
    private int k;
    private int m;
    private float[] a;
    private int lda;
    private float[] b;
    private int ldb;
    private float[] c;
    private int ldc;
    /** Column chunks per thread in the current call's column split ({@link #columns}). */
    private int perThread;
    private final Parallel.RangeBody rowsBody = this::rows;
    private final Parallel.RangeBody columnsBody = this::columns;

    /**
     * Elements of op(B) (1 MB, half the L2) from which a row split gives each thread one chunk.
     * Every row chunk packs all of op(B), and once B no longer stays in cache that packing
     * streams it from memory: four chunks per thread packed a 1024×1024 B four times per thread
     * and ran 1024³ at 247–254 GFLOP/s (best of 1 s, two threads), one chunk per thread at
     * 271–284 in the same JVM. Smaller B are cheap to repack, and more chunks balance better.
     */
    static final long LARGE_B = 1 << 18;

    /**
     * Fewest rows per thread for which a product with a large op(B) packs it once for all threads
     * ({@link Kernels.SharedGemm}) rather than once per thread: four of the packed kernel's 96-row
     * blocks, enough for the threads to balance. 512 rows at two threads measured mixed against
     * the row split, with the barrier per block (SGEMM/peak 0.60 vs 0.60, 0.50 vs 0.59) and again
     * with the pipeline (1.107, 0.923, 0.931 in one JVM each); a batch of 64 against a 9,216-wide
     * input would have one block of rows, which no second thread could share.
     */
    static final int SHARED_MIN_ROWS_PER_THREAD = 384;

    private Kernels.SharedGemm shared;

    ParallelGemm(Compute compute) {
        this(compute, false);
    }

    /**
     * @param nested made for a call that found the instance busy (a GEMM inside another one's
     *               body, or from a second thread): the pool is most likely busy with the outer
     *               call, so this one runs on its own thread and is not worth a shared-B packing
     *               buffer
     */
    private ParallelGemm(Compute compute, boolean nested) {
        this.nested = nested;
        this.compute = compute;
        this.kernels = compute.kernels();
        this.parallel = compute.parallel();
    }

    /** {@code C = op(A)·op(B)} ({@code C +=} when {@code accumulate}). */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
              float[] c, int ldc, boolean accumulate) {
        if (busy) {
            new ParallelGemm(compute, true).gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
            return;
        }
        busy = true;
        try {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.lda = lda;
            this.b = b;
            this.ldb = ldb;
            this.c = c;
            this.ldc = ldc;
            this.accumulate = accumulate;
            int strips = n / kernels.gemmColumnGrain();
            int threads = parallel.threads();
            // at least two strips per thread, or the chunks are too uneven (128 columns: 48 and 80);
            // two chunks per thread where there are enough strips, for balance, else one
            if (threads > 1 && m < n && strips >= 2 * threads) {
                perThread = strips >= 4 * threads ? 2 : 1;
                parallel.forRange(threads * perThread, 1, columnsBody);
            } else if (threads > 1 && !nested && (long) k * n >= LARGE_B && m >= SHARED_MIN_ROWS_PER_THREAD * threads
                    && shared().gemm(parallel, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate)) {
                return;
            } else if (threads > 1 && (long) k * n >= LARGE_B) {
                // one row chunk per thread: each packs all of op(B) once, not once per chunk
                parallel.forRange(m, (m + threads - 1) / threads, rowsBody);
            } else {
                compute.gemmRows(m, rowsBody);
            }
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
            busy = false;
        }
    }

    /** The shared-B product, made on first use: it holds two 3 MB packing panels. */
    private Kernels.SharedGemm shared() {
        if (shared == null) {
            shared = kernels.newSharedGemm();
        }
        return shared;
    }

    private void rows(int from, int to) {
        part(from, to, 0, n);
    }

    /**
     * Column chunks {@code [from, to)}. The columns are cut into one block per thread, at
     * multiples of {@link Kernels#gemmColumnStep()} nearest below {@code t·n/threads}, and each
     * block into {@link #perThread} chunks of whole strips from its start, the last one taking
     * the block's partial strip; {@link Parallel} gives each thread its block's chunks first.
     * Cutting the whole width into strips left all of its partial strip to one thread, where it
     * cost about a whole strip: 512 columns (10 strips and 32 columns) went 288 and 224, about 6
     * and 5.2 strips' time; now 256 and 256, each 5 strips and a 16-column vector.
     */
    private void columns(int from, int to) {
        part(0, m, chunkStart(from), chunkStart(to) - chunkStart(from));
    }

    /** The first column of chunk {@code c}; {@code n} for {@code c} = threads × {@link #perThread}. */
    private int chunkStart(int c) {
        int threads = parallel.threads();
        int t = c / perThread;
        if (t == threads) {
            return n;
        }
        int b0 = blockStart(t, threads);
        int width = blockStart(t + 1, threads) - b0;
        int grain = kernels.gemmColumnGrain();
        return b0 + Parallel.blockStart(c % perThread, width, perThread) / grain * grain;
    }

    /** The first column of thread {@code t}'s block; {@code n} for {@code t} = threads. */
    private int blockStart(int t, int threads) {
        if (t == threads) {
            return n;
        }
        int step = kernels.gemmColumnStep();
        return Parallel.blockStart(t, n, threads) / step * step;
    }

    /** Rows {@code [rowFrom, rowTo)} × columns {@code [j0, j0+width)} of the product. */
    private void part(int rowFrom, int rowTo, int j0, int width) {
        int bOff = transB ? j0 * ldb : j0;
        kernels.gemm(transA, transB, rowFrom, rowTo, width, k, a, 0, lda, b, bOff, ldb, c, j0, ldc, accumulate);
    }
}
