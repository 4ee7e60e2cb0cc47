package dev.kiln.nn;

import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;

/**
 * A convolution's weight gradient over a batch, {@code C = Σ_i A_i·op(col_i)} with {@code col_i}
 * the im2col unfolding of sample {@code i} ({@link Kernels#gemmUnfolded}), split over samples:
 * the samples are cut into fixed groups of {@link #GROUP}, each group's products accumulate into
 * a partial sum of its own (one FMA chain over the group's samples, then {@code k}, in order),
 * and the partial sums are then added in group order, element by element. Where {@link #swaps}
 * says so, each product is computed transposed ({@link Kernels#unfoldedGemm}, {@code col_i} as
 * the left operand) and the added sum is transposed once at the end: the same chains, the same
 * bits.
 *
 * <p>Why over samples: each group packs its samples' {@code A_i} and unfolding once, where a
 * split over strips of C had every thread pack all of every {@code A_i}; and a batch of 64 gives
 * eight groups, which the pool balances between threads, where a split of 288 columns gave each
 * of two threads one chunk and the one a busy host slowed down held the other up. Measured on
 * the CNN example's second convolution (in one JVM, alternating): 10.4–11.5 against 12.5–12.7 ms
 * per batch at 2 threads, the same at 1.
 *
 * <p>Bits: the groups are cut by sample index, never by thread count, and the partial sums are
 * added in a fixed order, so results are bit-identical at any thread count. They differ from one
 * chain over the whole batch (the sums are associated differently), within rounding.
 *
 * <p>It can also sum each row of every {@code A_i} over the batch: a convolution's bias gradient,
 * each filter's output gradient summed over its positions and samples. Each sample's row sums are
 * taken while its {@code A_i} is in cache from its product, kept per sample, and added in sample
 * order at the end: the bits of a pass over the batch in sample order, where that pass was one
 * more read of the whole batch's {@code dY} (9.4 MB for the CNN example's second convolution),
 * split over filters, so that each thread read the half of every sample the other thread wrote.
 * {@code StepScaling} (CNN, 12,800 images, 5 pairs of JVMs in turn): the first convolution's
 * backward pass at 2 threads took 0.42–0.44 ms instead of 0.47–0.53, the step at 2 threads a
 * median 15.95 ms instead of 16.34, the same at 1 (30.60 and 30.62).
 *
 * <p>One instance per {@link Compute}; partial sums are kept between calls (grown, never shrunk)
 * and the bodies made once, so a call allocates nothing. A call made while another is running
 * (from inside a parallel body) uses a fresh instance.
 */
final class UnfoldedGemmSum {

    /** Samples per partial sum: eight groups for a batch of 64, four per thread at 2 threads. */
    static final int GROUP = 8;

    private final Compute compute;
    private boolean busy;
    private float[] partials = new float[0];
    /** The partial sums added, before the transposition, when the products are {@link #swapped}. */
    private float[] summed = new float[0];
    private boolean swapped;
    /** Each sample's row sums of {@code A_i}, {@code [items][m]}, when the call asks for them. */
    private float[] sampleRowSums = new float[0];
    private float[] rowSums;

    // The call's operands, read by the bodies below.
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private int lda;
    private int aStride;
    private float[] x;
    private int xStride;
    private Window2d window;
    private int items;
    private int groups;
    private float[] c;
    private final Parallel.RangeBody groupsBody = this::groups;
    private final Parallel.RangeBody addBody = this::add;
    private final Parallel.RangeBody transposeBody = this::transpose;

    UnfoldedGemmSum(Compute compute) {
        this.compute = compute;
    }

    /**
     * {@code C = Σ_{i < items} A_i·op(col_i)} into {@code c[m][n]} (dense, overwritten), with
     * {@code A_i} the {@code m×k} matrix at {@code a[i·aStride]} (row stride {@code lda}) and
     * {@code col_i} the unfolding under {@code window} of the sample at {@code x[i·xStride]},
     * transposed when {@code transB}; and, unless {@code rowSums} is null,
     * {@code rowSums[r] = Σ_i Σ_{p < k} A_i[r][p]}, each sample's sum by
     * {@link Kernels#sum}, added in sample order.
     */
    void sum(boolean transB, int m, int n, int k, float[] a, int lda, int aStride, float[] x, int xStride,
             Window2d window, int items, float[] c, float[] rowSums) {
        if (busy) {
            new UnfoldedGemmSum(compute).sum(transB, m, n, k, a, lda, aStride, x, xStride, window, items, c, rowSums);
            return;
        }
        busy = true;
        try {
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.lda = lda;
            this.aStride = aStride;
            this.x = x;
            this.xStride = xStride;
            this.window = window;
            this.items = items;
            this.c = c;
            this.rowSums = rowSums;
            if (rowSums != null && sampleRowSums.length < items * m) {
                sampleRowSums = new float[items * m];
            }
            groups = (items + GROUP - 1) / GROUP;
            swapped = swaps(compute.kernels(), transB, m, n);
            int size = groups * m * n;
            if (partials.length < size) {
                partials = new float[size];
            }
            if (swapped && summed.length < m * n) {
                summed = new float[m * n];
            }
            compute.parallel().forRange(groups, 1, groupsBody);
            if (rowSums != null) {
                compute.kernels().sumColumns(sampleRowSums, items, m, 0, m, rowSums);
            }
            compute.elementwise(m * n, addBody);
            if (swapped) {
                compute.rows(n, transposeBody);
            }
        } finally {
            this.a = null;
            this.x = null;
            this.c = null;
            this.rowSums = null;
            this.window = null;
            busy = false;
        }
    }

    /** Groups {@code [from, to)}: each group's samples accumulated, in order, into its partial sum. */
    private void groups(int from, int to) {
        Kernels kernels = compute.kernels();
        int size = m * n;
        for (int gi = from; gi < to; gi++) {
            int first = gi * GROUP;
            int end = Math.min(items, first + GROUP);
            for (int i = first; i < end; i++) {
                if (swapped) {
                    kernels.unfoldedGemm(true, 0, n, m, k, x, i * xStride, window, a, i * aStride, lda, partials,
                            gi * size, m, i > first);
                } else {
                    kernels.gemmUnfolded(transB, 0, m, n, k, a, i * aStride, lda, x, i * xStride, window, 0,
                            partials, gi * size, n, i > first, null);
                }
                if (rowSums != null) {
                    for (int r = 0; r < m; r++) {
                        int row = i * aStride + r * lda;
                        sampleRowSums[i * m + r] = kernels.sum(a, row, row + k);
                    }
                }
            }
        }
    }

    /** Elements {@code [from, to)} of C (of Cᵀ when swapped): the groups' partial sums added in group order. */
    private void add(int from, int to) {
        compute.kernels().sumColumns(partials, groups, m * n, from, to, swapped ? summed : c);
    }

    /** Rows {@code [from, to)} of the summed Cᵀ into columns of C. */
    private void transpose(int from, int to) {
        compute.kernels().transpose(summed, n, m, from, to, c);
    }

    /**
     * Whether each product is computed transposed, {@code Cᵀ = col·Aᵀ}: for a weight gradient
     * with more window offsets than filters, and filters enough for whole packed strips
     * ({@link Kernels#gemmColumnGrain}). Then the unfolding is packed as the left operand, copied
     * in runs of output positions, and only {@code A} (dY, the smaller) is packed across; the
     * other way round, packing {@code colᵀ} gathers every element (the CNN example's second
     * convolution: P·K = 166 K gathered floats per sample, against F·P = 37 K). Each element is
     * the same chain of products either way, so the bits are too.
     */
    static boolean swaps(Kernels kernels, boolean transB, int m, int n) {
        return transB && n >= m && m >= kernels.gemmColumnGrain();
    }
}
