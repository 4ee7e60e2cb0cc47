package dev.kiln.kernels;

import dev.kiln.parallel.Parallel;

/**
 * The hot loops under every layer. Implementations compute a given range of output rows so the
 * caller can split work across threads over outputs; a result element never depends on how the
 * rows were split, which keeps training bit-identical at any thread count.
 *
 * <p>Matrices are row-major {@code float[]}. {@code op(A)} is {@code m×k}: {@code A[i][p]} is
 * {@code a[i*lda+p]}, or {@code a[p*lda+i]} when {@code transA}. {@code op(B)} is {@code k×n}:
 * {@code B[p][j]} is {@code b[p*ldb+j]}, or {@code b[j*ldb+p]} when {@code transB}.
 */
public interface Kernels {

    /** "vector" or "scalar": recorded in reports so a number can be traced to its code path. */
    String name();

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when
     * {@code accumulate}.
     */
    default void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                      float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        gemm(transA, transB, rowFrom, rowTo, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc, accumulate);
    }

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, int, float[], int, float[], int, float[], int, boolean)}
     * with each matrix starting at an offset into its array, so one sample of a batch can be a
     * GEMM operand without copying.
     */
    void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
              boolean accumulate);

    /**
     * Column chunks of a GEMM that are whole multiples of this width (the last one may be wider)
     * give the same bits as the whole product: no chunk is narrow enough to take another code
     * path.
     */
    default int gemmColumnGrain() {
        return 48;
    }

    /**
     * Column chunks of at least {@link #gemmColumnGrain()} may start at any multiple of this
     * width and still give the same bits. The vector kernels' vector width: a chunk's partial
     * last strip is then whole vectors, which cost less than a whole strip.
     */
    default int gemmColumnStep() {
        return gemmColumnGrain();
    }

    /**
     * Floats of GEMM packing buffers these kernels keep for a pool of {@code threads}: per thread
     * that multiplies, and for the pool's one {@link #newSharedGemm} product. For memory estimates.
     */
    default long gemmBufferFloats(int threads) {
        return 0;
    }

    /**
     * A whole product over a pool whose threads share one packing of op(B) ({@link SharedGemm}).
     * Kernels that do not pack B return one that declines every product, so the caller splits
     * the rows. Each call makes a new one: it holds its packing panels and the operands of the call
     * in progress.
     */
    default SharedGemm newSharedGemm() {
        return (pool, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate) -> false;
    }

    /**
     * {@code C = op(A)·op(B)} ({@code C +=} when {@code accumulate}) for all {@code m} rows on a
     * pool, op(B) packed once per block for all threads instead of once per thread; the same
     * bits as {@link #gemm} over any split of the rows. Not for use from two threads at once.
     */
    interface SharedGemm {
        /**
         * Computes the product and returns true, or returns false without computing anything for
         * a product these kernels compute another way (the caller then splits its rows).
         */
        boolean gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k, float[] a, int lda,
                     float[] b, int ldb, float[] c, int ldc, boolean accumulate);
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = rowInit + op(A)·op(B)}, row {@code i} starting
     * from {@code rowInit[i]}: the same result, bit for bit, as filling row {@code i} of C with
     * {@code rowInit[i]} and calling {@code gemm} with {@code accumulate}, without the pass over
     * C that the fill costs (a convolution's per-filter bias).
     */
    default void gemmRowInit(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                             float[] rowInit) {
        for (int i = rowFrom; i < rowTo; i++) {
            fill(c, cOff + i * ldc, cOff + i * ldc + n, rowInit[i]);
        }
        gemm(transA, transB, rowFrom, rowTo, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, true);
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = A·op(B)} with B the im2col unfolding of one
     * sample: {@code col[K][P]} of {@link #im2col}{@code (x, xOff, g, ...)}, {@code K = g.colRows()}
     * window offsets by {@code P = g.outPlane()} output positions. {@code op(B)} is
     * {@code col[:, colFrom:]} ({@code k = K}: a convolution's forward pass), or
     * {@code colᵀ[:, colFrom:]} when {@code transB} ({@code k = P}: its weight gradient), so
     * that column chunks of C can be computed apart. {@code C +=} when {@code accumulate}; row
     * {@code i} starts from {@code rowInit[i]} when {@code rowInit} is not null. The same bits as
     * {@code im2col} followed by {@link #gemm}/{@link #gemmRowInit}, which is what this default
     * does, in a per-thread scratch buffer; kernels may pack from {@code x} without unfolding it.
     */
    default void gemmUnfolded(boolean transB, int rowFrom, int rowTo, int n, int k, float[] a, int aOff, int lda,
                              float[] x, int xOff, Window2d g, int colFrom, float[] c, int cOff, int ldc,
                              boolean accumulate, float[] rowInit) {
        int p = g.outPlane();
        float[] col = UnfoldScratch.get(g.colRows() * p);
        im2col(x, xOff, g, col, 0);
        int bOff = transB ? colFrom * p : colFrom;
        if (rowInit != null) {
            gemmRowInit(false, transB, rowFrom, rowTo, n, k, a, aOff, lda, col, bOff, p, c, cOff, ldc, rowInit);
        } else {
            gemm(false, transB, rowFrom, rowTo, n, k, a, aOff, lda, col, bOff, p, c, cOff, ldc, accumulate);
        }
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = col·op(B)} ({@code C +=} when
     * {@code accumulate}), with {@code col[K][P]} the {@link #im2col} unfolding of the sample at
     * {@code x[xOff..]} as the left operand ({@code k = P}): a convolution's weight gradient
     * transposed, {@code dWᵀ = col·dYᵀ}. The same bits as {@code im2col} followed by
     * {@link #gemm}, which is what this default does, in a per-thread scratch buffer; kernels may
     * pack from {@code x} without unfolding it.
     */
    default void unfoldedGemm(boolean transB, int rowFrom, int rowTo, int n, int k, float[] x, int xOff,
                              Window2d g, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                              boolean accumulate) {
        int p = g.outPlane();
        float[] col = UnfoldScratch.get(g.colRows() * p);
        im2col(x, xOff, g, col, 0);
        gemm(false, transB, rowFrom, rowTo, n, k, col, 0, p, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code src[rows][cols]} into columns of
     * {@code dst[cols][rows]}: {@code dst[j·rows + i] = src[i·cols + j]}. A copy, so the same
     * values with any kernels.
     */
    default void transpose(float[] src, int rows, int cols, int rowFrom, int rowTo, float[] dst) {
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = 0; j < cols; j++) {
                dst[j * rows + i] = src[i * cols + j];
            }
        }
    }

    /** Adds {@code bias[j]} to every row of {@code c[rows][n]} for rows {@code [rowFrom,rowTo)}. */
    void addRowVector(float[] c, int rowFrom, int rowTo, int n, float[] bias);

    /** {@code out[j] = sum over rows of m[r][j]} for columns {@code [colFrom, colTo)}. */
    void sumColumns(float[] m, int rows, int n, int colFrom, int colTo, float[] out);

    /** {@code out[i] = max(0, in[i])} for {@code i in [from, to)}. */
    void relu(float[] in, float[] out, int from, int to);

    /** {@code gradIn[i] = out[i] > 0 ? gradOut[i] : 0} for {@code i in [from, to)}. */
    void reluBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to);

    /** {@code out[i] = in[i] > 0 ? in[i] : alpha·in[i]} for {@code i in [from, to)}. */
    void leakyRelu(float[] in, float[] out, float alpha, int from, int to);

    /** {@code gradIn[i] = in[i] > 0 ? gradOut[i] : alpha·gradOut[i]} (from the layer's input). */
    void leakyReluBackward(float[] in, float[] gradOut, float[] gradIn, float alpha, int from, int to);

    /** {@code out[i] = tanh(in[i])}. */
    void tanh(float[] in, float[] out, int from, int to);

    /** {@code gradIn[i] = gradOut[i]·(1 - out[i]²)}, from the layer's output. */
    void tanhBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to);

    /** {@code out[i] = 1/(1+exp(-in[i]))}, without overflow for any finite input. */
    void sigmoid(float[] in, float[] out, int from, int to);

    /** {@code gradIn[i] = gradOut[i]·out[i]·(1 - out[i])}, from the layer's output. */
    void sigmoidBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to);

    /**
     * Inverted dropout on {@code [from, to)}: {@code dst[i] = src[i]·scale} when
     * {@link MaskHash#keep(long, int, int) MaskHash.keep(key, i, threshold)}, else 0. The index
     * {@code i} is the absolute array index, so the mask is independent of how the range is
     * split. Must be bit-identical to the scalar reference ({@code dst} may be {@code src}).
     */
    void dropout(long key, int threshold, float scale, float[] src, float[] dst, int from, int to);

    /**
     * Mean and biased variance per channel, for channels {@code [cFrom, cTo)} of
     * {@code x[batch][channels][spatial]} (two passes: the variance is of {@code x - mean}).
     */
    void channelMeanVar(float[] x, int batch, int channels, int spatial, int cFrom, int cTo,
                        float[] mean, float[] var);

    /** {@code y = x·scale[c] + shift[c]} (one FMA) for samples {@code [rowFrom, rowTo)}. */
    void channelAffine(float[] x, float[] y, int channels, int spatial, int rowFrom, int rowTo,
                       float[] scale, float[] shift);

    /**
     * Per channel {@code c} in {@code [cFrom, cTo)}: {@code sumDy[c] = Σ dy} and
     * {@code sumDyXhat[c] = invStd[c]·Σ dy·(x - mean[c])} over batch and spatial positions.
     */
    void channelGradSums(float[] x, float[] dy, int batch, int channels, int spatial, int cFrom, int cTo,
                         float[] mean, float[] invStd, float[] sumDy, float[] sumDyXhat);

    /**
     * Batch norm input gradient for samples {@code [rowFrom, rowTo)}:
     * {@code dx = gain[c]·(dy - meanDy[c] - (x - mean[c])·invStd[c]·meanDyXhat[c])}.
     */
    void batchNormBackward(float[] x, float[] dy, float[] dx, int channels, int spatial, int rowFrom, int rowTo,
                           float[] mean, float[] invStd, float[] gain, float[] meanDy, float[] meanDyXhat);

    /** {@code out[i] = (pixels[off+i] & 0xFF) * scale + shift} for {@code i in [0, len)}. */
    void normalize(byte[] pixels, int off, float[] out, int outOff, int len, float scale, float shift);

    /**
     * Optimizer state (Adam's moments, SGD's velocity) smaller in magnitude than this, 2<sup>-100</sup>,
     * is stored as 0. Java has no flush-to-zero mode, and x86 takes a microcode assist for
     * arithmetic on subnormal floats: once a weight's gradient stops (an input pixel that is
     * almost always 0, a unit that no longer fires), its first moment decays by β1 each step into
     * the subnormal range, some 750 steps from 1e-4 at β1 = 0.9, and never leaves it, since 0.9 ×
     * the smallest subnormal rounds back to it. The MLP's Adam update then took 0.70 ms per batch
     * instead of 0.18. The state dropped moves a weight by less than {@code lrT·2^-100/epsT}
     * (Adam) or {@code lr·2^-100} (SGD), far below the last bit of any weight.
     */
    float STATE_FLOOR = 0x1p-100f;

    /**
     * One Adam step on {@code [from, to)}: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
     * p -= lrT · m / (sqrt(v) + epsT)}, where the caller folds bias correction into {@code lrT}
     * and {@code epsT}; {@code m} and {@code v} below {@link #STATE_FLOOR} are stored as 0.
     */
    void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
              float beta1, float beta2, float lrT, float epsT);

    /**
     * One SGD-with-momentum step: {@code vel = mu vel + g; p -= lr vel} (plain SGD when mu = 0),
     * {@code vel} below {@link #STATE_FLOOR} stored as 0.
     */
    void sgd(float[] p, float[] g, float[] vel, int from, int to, float lr, float mu);

    /**
     * Unfolds one sample {@code [C][H][W]} at {@code x[xOff]} into {@code col[colOff]} as the
     * matrix {@code [C·kh·kw][outH·outW]}: row {@code (c·kh + i)·kw + j} holds the input element
     * under window position {@code (i, j)} of channel {@code c} for every output position, and 0
     * where the window reads padding. Convolution is then one GEMM with the weights
     * {@code [filters][C·kh·kw]}.
     */
    void im2col(float[] x, int xOff, Window2d g, float[] col, int colOff);

    /**
     * The adjoint of {@link #im2col}: overwrites one sample {@code dx[dxOff, dxOff + C·H·W)} with
     * the sum, per input element, of the {@code col} entries that {@code im2col} copied from it.
     */
    void col2im(float[] col, int colOff, Window2d g, float[] dx, int dxOff);

    /**
     * Max pooling of one sample (all channels), padding ignored. {@code arg[argOff + o]} receives,
     * for output {@code o}, the index within the sample of the first maximum in window scan order
     * (row by row), which the backward pass routes the gradient to.
     */
    void maxPool(float[] x, int xOff, Window2d g, float[] y, int yOff, int[] arg, int argOff);

    /**
     * Average pooling of one sample over the in-bounds elements of each window (ONNX
     * {@code count_include_pad = 0}).
     */
    void avgPool(float[] x, int xOff, Window2d g, float[] y, int yOff);

    /** The adjoint of {@link #avgPool}: overwrites one sample of {@code dx} from {@code dy}. */
    void avgPoolBackward(float[] dy, int dyOff, Window2d g, float[] dx, int dxOff);

    /** The sum of {@code a[from, to)}. */
    float sum(float[] a, int from, int to);

    /**
     * Sets {@code a[from, to)} to {@code value}. ({@code Arrays.fill} runs one element per
     * store on JDK 17: a tenth of a convolution's forward pass went into filling its output with
     * the bias.)
     */
    void fill(float[] a, int from, int to, float value);
}
