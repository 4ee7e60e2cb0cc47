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
 * <p>Bits do not depend on the split: every element of C is one FMA chain over {@code k} in
 * order. Column chunks are whole multiples of {@link Kernels#gemmColumnGrain()} wide (the last
 * one takes the rest), so no chunk is narrow enough for a kernel to pick another code path than
 * the whole product would.
 *
 * <p>One instance per {@link Compute}; the call's operands are kept in fields for the two
 * bodies, made once, so a call allocates nothing. A call made while another is running (from
 * inside a parallel body) uses a fresh instance.
 */
final class ParallelGemm {

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
    private int strips;
    private final Parallel.RangeBody rowsBody = this::rows;
    private final Parallel.RangeBody columnsBody = this::columns;

    ParallelGemm(Kernels kernels, Parallel parallel) {
        this.kernels = kernels;
        this.parallel = parallel;
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
              float[] c, int ldc, boolean accumulate, Compute compute) {
        if (busy) {
            new ParallelGemm(kernels, parallel).gemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, compute);
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
            strips = n / kernels.gemmColumnGrain();
            int threads = parallel.threads();
            // at least two strips per thread, or the chunks are too uneven (128 columns: 48 and 80)
            if (threads > 1 && m < n && strips >= 2 * threads) {
                parallel.forRange(strips, (strips + 2 * threads - 1) / (2 * threads), columnsBody);
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

    private void rows(int from, int to) {
        kernels.gemm(transA, transB, from, to, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc, accumulate);
    }

    /** Column strips {@code [from, to)}; the last strip runs to column {@code n}. */
    private void columns(int from, int to) {
        int grain = kernels.gemmColumnGrain();
        int j0 = from * grain;
        int j1 = to == strips ? n : to * grain;
        int bOff = transB ? j0 * ldb : j0;
        kernels.gemm(transA, transB, 0, m, j1 - j0, k, a, 0, lda, b, bOff, ldb, c, j0, ldc, accumulate);
    }
}
