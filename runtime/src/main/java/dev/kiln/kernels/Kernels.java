package dev.kiln.kernels;

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
    void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
              float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate);

    /** Adds {@code bias[j]} to every row of {@code c[rows][n]} for rows {@code [rowFrom,rowTo)}. */
    void addRowVector(float[] c, int rowFrom, int rowTo, int n, float[] bias);

    /** {@code out[j] = sum over rows of m[r][j]} for columns {@code [colFrom, colTo)}. */
    void sumColumns(float[] m, int rows, int n, int colFrom, int colTo, float[] out);

    /** {@code out[i] = max(0, in[i])} for {@code i in [from, to)}. */
    void relu(float[] in, float[] out, int from, int to);

    /** {@code gradIn[i] = out[i] > 0 ? gradOut[i] : 0} for {@code i in [from, to)}. */
    void reluBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to);

    /** {@code out[i] = (pixels[off+i] & 0xFF) * scale + shift} for {@code i in [0, len)}. */
    void normalize(byte[] pixels, int off, float[] out, int outOff, int len, float scale, float shift);

    /**
     * One Adam step on {@code [from, to)}: {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
     * p -= lrT · m / (sqrt(v) + epsT)}, where the caller folds bias correction into {@code lrT}
     * and {@code epsT}.
     */
    void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
              float beta1, float beta2, float lrT, float epsT);

    /** One SGD-with-momentum step: {@code vel = mu vel + g; p -= lr vel} (plain SGD when mu = 0). */
    void sgd(float[] p, float[] g, float[] vel, int from, int to, float lr, float mu);
}
