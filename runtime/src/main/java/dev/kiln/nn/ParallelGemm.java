package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * One GEMM {@code C = op(A)·op(B)} ({@code C +=} when accumulating), or a sum of GEMMs
 * {@code C = Σ op(A_i)·op(B_i)} over items at fixed strides (a convolution's weight gradient over
 * the samples of a batch), over the worker pool, split over rows of C or over strips of its
 * columns, whichever makes each thread pack less.
 *
 * <p>A packed GEMM packs all of {@code op(B)} for every row chunk and all of {@code op(A)} for
 * every column chunk. With {@code T} threads a row split packs {@code m·k/T + k·n} per thread, a
 * column split {@code m·k + k·n/T}: columns win when {@code m < n}, the common case in training
 * (a batch of 64 rows against a layer 512 or 9,216 wide), where a row split had both threads
 * pack the whole weight matrix, provided there are at least two strips per thread (128 columns
 * split 48 and 80, and measured slower than rows: 2.3–2.6 vs 2.0–2.1 ms for the CNN's 9216→128
 * forward pass at 2 threads).
 *
 * <p>Bits do not depend on the split: every element of C is one FMA chain over {@code k} in
 * order (over item, then {@code k}, for a sum: each chunk runs the items in order, accumulating). Column chunks are whole multiples of {@link Kernels#gemmColumnGrain()} wide (the last
 * one takes the rest), so no chunk is narrow enough for a kernel to pick another code path than
 * the whole product would.
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
    private int items;
    private int aStride;
    private int bStride;
    private int strips;
    /** Not null when B is the im2col unfolding of samples of {@code b} under this window. */
    private Window2d window;
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

    ParallelGemm(Compute compute) {
        this.compute = compute;
        this.kernels = compute.kernels();
        this.parallel = compute.parallel();
    }

    /**
     * {@code C = Σ_{i < items} op(A_i)·op(B_i)} ({@code C +=} when {@code accumulate}), with
     * {@code A_i} at {@code a[i·aStride]} and {@code B_i} at {@code b[i·bStride]}; one item is a
     * plain GEMM. When {@code window} is not null, {@code B_i} is instead the im2col unfolding
     * of the sample at {@code b[i·bStride]} ({@link Kernels#gemmUnfolded}; {@code ldb} unused,
     * {@code transA} false).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, int aStride,
              float[] b, int ldb, int bStride, Window2d window, int items, float[] c, int ldc, boolean accumulate) {
        if (busy) {
            new ParallelGemm(compute).gemm(transA, transB, m, n, k, a, lda, aStride, b, ldb, bStride, window, items,
                    c, ldc, accumulate);
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
            this.aStride = aStride;
            this.b = b;
            this.ldb = ldb;
            this.bStride = bStride;
            this.window = window;
            this.items = items;
            this.c = c;
            this.ldc = ldc;
            this.accumulate = accumulate;
            strips = n / kernels.gemmColumnGrain();
            int threads = parallel.threads();
            // at least two strips per thread, or the chunks are too uneven (128 columns: 48 and 80);
            // two chunks per thread where there are enough strips, for balance, else one
            if (threads > 1 && m < n && strips >= 2 * threads) {
                int chunks = threads * (strips >= 4 * threads ? 2 : 1);
                parallel.forRange(strips, (strips + chunks - 1) / chunks, columnsBody);
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
            this.window = null;
            busy = false;
        }
    }

    private void rows(int from, int to) {
        for (int i = 0; i < items; i++) {
            item(i, from, to, 0, n);
        }
    }

    /** Column strips {@code [from, to)}; the last strip runs to column {@code n}. */
    private void columns(int from, int to) {
        int grain = kernels.gemmColumnGrain();
        int j0 = from * grain;
        int j1 = to == strips ? n : to * grain;
        for (int i = 0; i < items; i++) {
            item(i, 0, m, j0, j1 - j0);
        }
    }

    /** Rows {@code [rowFrom, rowTo)} × columns {@code [j0, j0+width)} of item {@code i}'s product, added to C after the first item. */
    private void item(int i, int rowFrom, int rowTo, int j0, int width) {
        boolean acc = accumulate || i > 0;
        if (window != null) {
            kernels.gemmUnfolded(transB, rowFrom, rowTo, width, k, a, i * aStride, lda, b, i * bStride, window, j0,
                    c, j0, ldc, acc, null);
        } else {
            int bOff = transB ? j0 * ldb : j0;
            kernels.gemm(transA, transB, rowFrom, rowTo, width, k, a, i * aStride, lda, b, i * bStride + bOff, ldb,
                    c, j0, ldc, acc);
        }
    }
}
