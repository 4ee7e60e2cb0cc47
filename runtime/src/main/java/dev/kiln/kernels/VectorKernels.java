package dev.kiln.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Panama Vector API ({@code jdk.incubator.vector}). Only loaded by
 * {@link KernelProvider} once it has checked the module is present.
 *
 * <p>Every output element is computed by the same sequence of operations whichever row block
 * it falls in (register-blocked or remainder path), so splitting rows across threads never
 * changes a result bit.
 *
 * <p>All float vectors use the one preferred species: C2 shares type profiles inside the JDK's
 * vector classes between all callers, and a second float shape anywhere in the process made it
 * give up intrinsifying the large GEMM micro-kernel (boxed vectors, over 100× slower).
 *
 * <p>Every method here or in {@link PackedGemm} that takes or returns a vector is named
 * {@code ...Inline}: the forked trainer forces those inline
 * ({@code TrainerJvmOptions.VECTOR_HELPERS_INLINED}), since a vector that crosses a call C2 left
 * as a call is boxed, and C2 alone left one as a call in some JVMs (megabytes per batch).
 */
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Bytes with as many lanes as {@link #F}: pixels widen straight into the preferred float shape. */
    private static final VectorSpecies<Byte> BL = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    /** Ints with as many lanes as {@link #F}: the dropout hash and argmax indices that follow float masks. */
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final IntVector IOTA = IntVector.zero(I).addIndex(1);
    /** {@code 2·lane}: the first input column of each lane's 2-wide pooling window. */
    private static final IntVector TWICE_IOTA = IOTA.mul(2);
    /** The reference kernels, for channel tails narrower than a vector. */
    private static final ScalarKernels SCALAR = new ScalarKernels();

    @Override
    public String name() {
        return "vector";
    }

    /** Lane count of the preferred float species, for the start-up log line. */
    public static int lanes() {
        return L;
    }

    /**
     * Every C element is one unbroken chain of fused multiply-adds over {@code p = 0..k-1} in
     * order, starting from 0, or from the old C value when accumulating (as BLAS does with
     * {@code beta = 1}; the scalar reference instead adds the finished sum to C, so accumulated
     * results may differ from it in the last bits; without accumulation they are equal). The
     * packed path ({@link PackedGemm}, used for {@code transB} products and for row ranges of at
     * least {@link #PACK_MIN_ROWS} rows) and the unpacked register-blocked path perform that same
     * chain, so choosing between them by the size of the row range is safe: no bit depends on the
     * split or the thread count. The one exception, dot products for {@code A·Bᵀ} with a narrow
     * {@code n} (another summation order), is chosen by the shape alone.
     */
    @Override
    public void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        gemm(transA, transB, rowFrom, rowTo, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, null);
    }

    /** Straight into the packed kernel's accumulators where the packed path applies; otherwise fill, then accumulate. */
    @Override
    public void gemmRowInit(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                            float[] rowInit) {
        gemm(transA, transB, rowFrom, rowTo, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false, rowInit);
    }

    /** Both GEMM entry points: the one choice of code path; {@code rowInit} (or null) as in {@link #gemmRowInit}. */
    private void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate, float[] rowInit) {
        if (rowFrom >= rowTo || n <= 0) {
            return;
        }
        int ars = transA ? 1 : lda;
        int acs = transA ? lda : 1;
        if (packed(transA, transB, rowTo - rowFrom, n, k)) {
            int brs = transB ? 1 : ldb;
            int bcs = transB ? ldb : 1;
            PackedGemm.gemm(ars, acs, brs, bcs, rowFrom, rowTo, n, k, a, aOff, b, bOff, c, cOff, ldc, accumulate,
                    rowInit);
            return;
        }
        if (rowInit != null) {
            // the unpacked paths have no starting values: fill the rows, then accumulate (same bits)
            for (int i = rowFrom; i < rowTo; i++) {
                fillVector(c, cOff + i * ldc, cOff + i * ldc + n, rowInit[i]);
            }
            accumulate = true;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = rowFrom; i < rowTo; i++) {
                    fillVector(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
        } else if (dot(transA, transB, n, k)) {
            gemmDot(rowFrom, rowTo, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            gemmAxpy(ars, acs, rowFrom, rowTo, n, k, a, aOff, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    @Override
    public long gemmBufferFloats(int threads) {
        return PackedGemm.bufferFloats(threads);
    }

    /**
     * {@link PackedGemm.Shared}, except for empty products and the narrow {@code A·Bᵀ} that
     * {@link #gemm} computes as dot products (another chain), which it leaves to the caller.
     */
    @Override
    public SharedGemm newSharedGemm() {
        PackedGemm.Shared shared = new PackedGemm.Shared();
        return (pool, transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate) -> {
            if (k <= 0 || n <= 0 || m <= 0 || dot(transA, transB, n, k)) {
                return false;
            }
            shared.gemm(pool, transA ? 1 : lda, transA ? lda : 1, transB ? 1 : ldb, transB ? ldb : 1, m, n, k,
                    a, 0, b, 0, c, 0, ldc, accumulate);
            return true;
        };
    }

    /**
     * Packs B straight from the sample wherever {@link #gemm} would take the packed path for the
     * unfolded matrix (so the bits are the same); otherwise unfolds it first, as the default does.
     */
    @Override
    public void gemmUnfolded(boolean transB, int rowFrom, int rowTo, int n, int k, float[] a, int aOff, int lda,
                             float[] x, int xOff, Window2d g, int colFrom, float[] c, int cOff, int ldc,
                             boolean accumulate, float[] rowInit) {
        if (rowFrom >= rowTo || n <= 0) {
            return;
        }
        if (!packed(false, transB, rowTo - rowFrom, n, k)) {
            Kernels.super.gemmUnfolded(transB, rowFrom, rowTo, n, k, a, aOff, lda, x, xOff, g, colFrom, c, cOff, ldc,
                    accumulate, rowInit);
            return;
        }
        PackedGemm.gemmUnfolded(lda, 1, x, xOff, g, transB, colFrom, rowFrom, rowTo, n, k, a, aOff, c, cOff, ldc,
                accumulate, rowInit);
    }

    /**
     * Packs the unfolding straight from {@code x} as op(A) when the product takes the packed path
     * ({@link #packed}); otherwise unfolds it first, as the default does.
     */
    @Override
    public void unfoldedGemm(boolean transB, int rowFrom, int rowTo, int n, int k, float[] x, int xOff, Window2d g,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (rowFrom >= rowTo || n <= 0) {
            return;
        }
        if (!packed(false, transB, rowTo - rowFrom, n, k)) {
            Kernels.super.unfoldedGemm(transB, rowFrom, rowTo, n, k, x, xOff, g, b, bOff, ldb, c, cOff, ldc,
                    accumulate);
            return;
        }
        PackedGemm.unfoldedGemm(x, xOff, g, transB ? 1 : ldb, transB ? ldb : 1, rowFrom, rowTo, n, k, b, bOff, c,
                cOff, ldc, accumulate);
    }

    /**
     * Whether a product takes the packed path, the one choice both GEMM entry points make: not the
     * dot products of a narrow {@code A·Bᵀ}, and for an untransposed B only ranges of at least
     * {@link #PACK_MIN_ROWS} rows. A transposed B always packs: op(B)'s columns are strided and
     * only the packed path reads them well (measured at least as fast as dot products even for
     * 8-row ranges, 3.5× faster for 64 rows).
     */
    private static boolean packed(boolean transA, boolean transB, int rows, int n, int k) {
        return k > 0 && !dot(transA, transB, n, k) && (transB || rows >= PACK_MIN_ROWS);
    }

    /** Whether a product runs as dot products: a narrow {@code A·Bᵀ} ({@link #dotProducts}). */
    private static boolean dot(boolean transA, boolean transB, int n, int k) {
        return transB && !transA && dotProducts(n, k);
    }

    /** The packed kernel's strip width, at least 48 wide: narrower chunks could fall to the dot-product path. */
    @Override
    public int gemmColumnGrain() {
        return Math.max(48, PackedGemm.NR);
    }

    /** One vector: the packed kernel's edge computes a partial strip of whole vectors a vector at a time. */
    @Override
    public int gemmColumnStep() {
        return L;
    }

    /**
     * Fewest rows for which packing an untransposed B pays: packing costs {@code k·n} copies per
     * call, repaid over the rows (measured at 64×512×784: break-even near 16 rows, 2× faster
     * packed at 32 and more). Either path gives the same bits.
     */
    static final int PACK_MIN_ROWS = 16;

    /**
     * Whether {@code A·Bᵀ} uses dot products rather than the packed path: when {@code n} is below
     * one micro-tile width the packed strip would be mostly zero padding (measured at 16×9×784:
     * dot products 30–37 GFLOP/s, packed under 2). By shape only, so the bits never depend on
     * the split.
     */
    static boolean dotProducts(int n, int k) {
        return n < PackedGemm.NR;
    }

    /**
     * {@code B} rows are contiguous in {@code j}: broadcast {@code A[i][p]} and FMA into vectors of
     * C rows. Blocks of 4 rows × 2 vectors keep 8 accumulators in registers.
     */
    private static void gemmAxpy(int ars, int acs, int rowFrom, int rowTo, int n, int k,
                                 float[] a, int aOff, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                 boolean acc) {
        int i = rowFrom;
        for (; i + 4 <= rowTo; i += 4) {
            int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int c0 = cOff + i * ldc + j;
                FloatVector c00 = initInline(c, c0, acc), c01 = initInline(c, c0 + L, acc);
                FloatVector c10 = initInline(c, c0 + ldc, acc), c11 = initInline(c, c0 + ldc + L, acc);
                FloatVector c20 = initInline(c, c0 + 2 * ldc, acc), c21 = initInline(c, c0 + 2 * ldc + L, acc);
                FloatVector c30 = initInline(c, c0 + 3 * ldc, acc), c31 = initInline(c, c0 + 3 * ldc + L, acc);
                for (int p = 0; p < k; p++) {
                    int bo = bOff + p * ldb + j;
                    FloatVector b0 = FloatVector.fromArray(F, b, bo);
                    FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
                    int po = p * acs;
                    FloatVector x0 = FloatVector.broadcast(F, a[a0 + po]);
                    c00 = x0.fma(b0, c00);
                    c01 = x0.fma(b1, c01);
                    FloatVector x1 = FloatVector.broadcast(F, a[a1 + po]);
                    c10 = x1.fma(b0, c10);
                    c11 = x1.fma(b1, c11);
                    FloatVector x2 = FloatVector.broadcast(F, a[a2 + po]);
                    c20 = x2.fma(b0, c20);
                    c21 = x2.fma(b1, c21);
                    FloatVector x3 = FloatVector.broadcast(F, a[a3 + po]);
                    c30 = x3.fma(b0, c30);
                    c31 = x3.fma(b1, c31);
                }
                c00.intoArray(c, c0);
                c01.intoArray(c, c0 + L);
                c10.intoArray(c, c0 + ldc);
                c11.intoArray(c, c0 + ldc + L);
                c20.intoArray(c, c0 + 2 * ldc);
                c21.intoArray(c, c0 + 2 * ldc + L);
                c30.intoArray(c, c0 + 3 * ldc);
                c31.intoArray(c, c0 + 3 * ldc + L);
            }
            for (int r = i; r < i + 4; r++) {
                rowTail(aOff + r * ars, acs, j, n, k, a, b, bOff, ldb, c, cOff + r * ldc, acc);
            }
        }
        for (; i < rowTo; i++) {
            rowTail(aOff + i * ars, acs, 0, n, k, a, b, bOff, ldb, c, cOff + i * ldc, acc);
        }
    }

    /** One C row from column {@code j0}: one vector at a time, then scalar columns. */
    private static void rowTail(int ao, int acs, int j0, int n, int k, float[] a, float[] b, int bOff, int ldb,
                                float[] c, int co, boolean acc) {
        int j = j0;
        for (; j + L <= n; j += L) {
            FloatVector s = initInline(c, co + j, acc);
            for (int p = 0; p < k; p++) {
                s = FloatVector.broadcast(F, a[ao + p * acs]).fma(FloatVector.fromArray(F, b, bOff + p * ldb + j), s);
            }
            s.intoArray(c, co + j);
        }
        for (; j < n; j++) {
            // Math.fma rounds like one vector lane: the same chain as the vector columns
            float s = acc ? c[co + j] : 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[ao + p * acs], b[bOff + p * ldb + j], s);
            }
            c[co + j] = s;
        }
    }

    /** The start of an element's chain: the old C value when accumulating, else 0. */
    private static FloatVector initInline(float[] c, int off, boolean acc) {
        return acc ? FloatVector.fromArray(F, c, off) : FloatVector.zero(F);
    }

    /**
     * {@code B} is stored transposed ({@code b[j*ldb+p]}), so each C element is a dot product
     * of two contiguous runs. Blocks of 1 row × 4 columns share the A loads.
     */
    private static void gemmDot(int rowFrom, int rowTo, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff,
                                int ldc, boolean acc) {
        for (int i = rowFrom; i < rowTo; i++) {
            int ao = aOff + i * lda;
            int co = cOff + i * ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dot4(a, ao, b, bOff + j * ldb, ldb, k, c, co + j, acc);
            }
            for (; j < n; j++) {
                dot1(a, ao, b, bOff + j * ldb, k, c, co + j, acc);
            }
        }
    }

    // The dot products' loops are methods of their own (as is the max pool's row, below): C2
    // compiles a hot loop nest by on-stack replacement, once per loop that gets hot, and each of
    // those compiles takes in the whole method. Small methods compile small, and mostly by
    // invocation count. gemmDot with its loops inline: 3 compiles, 189 ms of C2 time in the first
    // CNN epoch.

    /** Four C elements {@code c[co..co+3]}: row {@code a[ao..]} against four rows of B {@code ldb} apart, sharing the A loads. */
    private static void dot4(float[] a, int ao, float[] b, int b0, int ldb, int k, float[] c, int co, boolean acc) {
        int kv = k - k % L;
        int b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        for (int p = 0; p < kv; p += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + p);
            s0 = x.fma(FloatVector.fromArray(F, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(F, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(F, b, b3 + p), s3);
        }
        dotStoreInline(s0, a, ao, b, b0, kv, k, c, co, acc);
        dotStoreInline(s1, a, ao, b, b1, kv, k, c, co + 1, acc);
        dotStoreInline(s2, a, ao, b, b2, kv, k, c, co + 2, acc);
        dotStoreInline(s3, a, ao, b, b3, kv, k, c, co + 3, acc);
    }

    /** One C element {@code c[co]}: row {@code a[ao..]} against row {@code b[bo..]}. */
    private static void dot1(float[] a, int ao, float[] b, int bo, int k, float[] c, int co, boolean acc) {
        int kv = k - k % L;
        FloatVector s = FloatVector.zero(F);
        for (int p = 0; p < kv; p += L) {
            s = FloatVector.fromArray(F, a, ao + p).fma(FloatVector.fromArray(F, b, bo + p), s);
        }
        dotStoreInline(s, a, ao, b, bo, kv, k, c, co, acc);
    }

    /**
     * The lanes' sum, added as a fixed tree: each lane {@code i} of the upper half is added to
     * lane {@code i} of the lower, then again on the halves, down to lane 0 (four adds with 16
     * lanes). Not {@code reduceLanes(ADD)}: the Vector API leaves the order of a float reduction
     * open, and from JDK 21 C2's intrinsic sums in a tree while the interpreter sums in order, so
     * a result depended on which tier ran it, and so on the thread split (seen on JDK 25). The
     * shuffles and lane-wise adds here round the same in every tier. Not lane by lane in order,
     * as until the tenth session: fifteen dependent adds, each after a lane extraction, were most
     * of the CNN's first convolution's weight gradient (its dot products end in one sum per filter
     * and window offset per sample); its backward pass took 0.43–0.46 ms a batch instead of
     * 0.53–0.54 at 2 threads (`StepPhases`, alternating JVMs).
     */
    static float sumLanesInline(FloatVector v) {
        for (VectorShuffle<Float> half : HALVES) {
            v = v.add(v.rearrange(half));
        }
        return v.lane(0);
    }

    /** {@link #sumLanesInline}'s shuffles: lane {@code i} takes lane {@code i + L/2}, then {@code i + L/4}, ... (mod L). */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        VectorShuffle<Float>[] h = new VectorShuffle[Integer.numberOfTrailingZeros(L)];
        for (int i = 0, step = L / 2; step > 0; i++, step /= 2) {
            int s = step;
            h[i] = VectorShuffle.fromOp(F, j -> (j + s) % L);
        }
        return h;
    }

    private static void dotStoreInline(FloatVector s, float[] a, int ao, float[] b, int bo, int kv, int k,
                                 float[] c, int co, boolean acc) {
        float r = sumLanesInline(s);
        for (int p = kv; p < k; p++) {
            r = Math.fma(a[ao + p], b[bo + p], r);
        }
        c[co] = acc ? c[co] + r : r;
    }

    @Override
    public void addRowVector(float[] c, int rowFrom, int rowTo, int n, float[] bias) {
        int nv = F.loopBound(n);
        for (int i = rowFrom; i < rowTo; i++) {
            int o = i * n;
            int j = 0;
            for (; j < nv; j += L) {
                FloatVector.fromArray(F, c, o + j).add(FloatVector.fromArray(F, bias, j)).intoArray(c, o + j);
            }
            for (; j < n; j++) {
                c[o + j] += bias[j];
            }
        }
    }

    @Override
    public void sumColumns(float[] m, int rows, int n, int colFrom, int colTo, float[] out) {
        int j = colFrom;
        for (; j + L <= colTo; j += L) {
            FloatVector s = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                s = s.add(FloatVector.fromArray(F, m, r * n + j));
            }
            s.intoArray(out, j);
        }
        for (; j < colTo; j++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                s += m[r * n + j];
            }
            out[j] = s;
        }
    }

    @Override
    public void relu(float[] in, float[] out, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector.fromArray(F, in, i).max(0f).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = Math.max(0f, in[i]);
        }
    }

    @Override
    public void reluBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(F);
        for (; i + L <= to; i += L) {
            FloatVector o = FloatVector.fromArray(F, out, i);
            FloatVector g = FloatVector.fromArray(F, gradOut, i);
            zero.blend(g, o.compare(VectorOperators.GT, 0f)).intoArray(gradIn, i);
        }
        for (; i < to; i++) {
            gradIn[i] = out[i] > 0f ? gradOut[i] : 0f;
        }
    }

    @Override
    public void leakyRelu(float[] in, float[] out, float alpha, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector x = FloatVector.fromArray(F, in, i);
            x.mul(alpha).blend(x, x.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < to; i++) {
            float x = in[i];
            out[i] = x > 0f ? x : alpha * x;
        }
    }

    @Override
    public void leakyReluBackward(float[] in, float[] gradOut, float[] gradIn, float alpha, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector g = FloatVector.fromArray(F, gradOut, i);
            VectorMask<Float> pos = FloatVector.fromArray(F, in, i).compare(VectorOperators.GT, 0f);
            g.mul(alpha).blend(g, pos).intoArray(gradIn, i);
        }
        for (; i < to; i++) {
            gradIn[i] = in[i] > 0f ? gradOut[i] : alpha * gradOut[i];
        }
    }

    /**
     * Scalar on purpose: the Vector API's {@code TANH} and {@code EXP} are C2 intrinsics whose
     * results can differ by an ulp from their Java fallback, so a vector version made a model's
     * bytes depend on which compilation tier ran a chunk. {@code Math.tanh} gives the same bits in
     * every tier.
     */
    @Override
    public void tanh(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
    }

    @Override
    public void tanhBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector y = FloatVector.fromArray(F, out, i);
            FloatVector one = FloatVector.broadcast(F, 1f);
            FloatVector.fromArray(F, gradOut, i).mul(one.sub(y.mul(y))).intoArray(gradIn, i);
        }
        for (; i < to; i++) {
            float y = out[i];
            gradIn[i] = gradOut[i] * (1f - y * y);
        }
    }

    /** Scalar on purpose, like {@link #tanh}: the vector {@code EXP} is tier-dependent. */
    @Override
    public void sigmoid(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = ScalarKernels.sigmoid(in[i]);
        }
    }

    @Override
    public void sigmoidBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        int i = from;
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (; i + L <= to; i += L) {
            FloatVector y = FloatVector.fromArray(F, out, i);
            FloatVector.fromArray(F, gradOut, i).mul(y.mul(one.sub(y))).intoArray(gradIn, i);
        }
        for (; i < to; i++) {
            float y = out[i];
            gradIn[i] = gradOut[i] * (y * (1f - y));
        }
    }

    /** {@link MaskHash#mix32} on every lane. */
    private static IntVector mix32Inline(IntVector x) {
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7FEB352D);
        x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846CA68B);
        return x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
    }

    @Override
    public void dropout(long key, int threshold, float scale, float[] src, float[] dst, int from, int to) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        int i = from;
        // zero is made inside the loop, not held in a local across it: the JVMs in which this loop
        // boxed a vector per iteration (~14 MB per CNN batch) had the local
        for (; i + L <= to; i += L) {
            IntVector h = mix32Inline(mix32Inline(IOTA.add(i).lanewise(VectorOperators.XOR, lo)).add(hi));
            VectorMask<Float> keep = h.lanewise(VectorOperators.LSHR, 8)
                    .compare(VectorOperators.GE, threshold).cast(F);
            FloatVector.zero(F).blend(FloatVector.fromArray(F, src, i).mul(scale), keep).intoArray(dst, i);
        }
        for (; i < to; i++) {
            dst[i] = MaskHash.keep(key, i, threshold) ? src[i] * scale : 0f;
        }
    }

    // Batch norm: with spatial == 1 (after dense) the lanes run across channels and each lane
    // does exactly the scalar operations of its channel, so results never depend on where a
    // channel range starts; with spatial > 1 the lanes run along a channel's contiguous runs.

    @Override
    public void channelMeanVar(float[] x, int batch, int channels, int spatial, int cFrom, int cTo,
                               float[] mean, float[] var) {
        float inv = 1f / ((float) batch * spatial);
        if (spatial > 1) {
            for (int c = cFrom; c < cTo; c++) {
                float s = 0f;
                for (int r = 0; r < batch; r++) {
                    s += runSum(x, (r * channels + c) * spatial, spatial);
                }
                float m = s * inv;
                float v = 0f;
                for (int r = 0; r < batch; r++) {
                    v += runSquaredDeviation(x, (r * channels + c) * spatial, spatial, m);
                }
                mean[c] = m;
                var[c] = v * inv;
            }
            return;
        }
        int c = cFrom;
        for (; c + L <= cTo; c += L) {
            FloatVector s = FloatVector.zero(F);
            for (int r = 0; r < batch; r++) {
                s = s.add(FloatVector.fromArray(F, x, r * channels + c));
            }
            FloatVector m = s.mul(inv);
            FloatVector v = FloatVector.zero(F);
            for (int r = 0; r < batch; r++) {
                FloatVector d = FloatVector.fromArray(F, x, r * channels + c).sub(m);
                v = d.fma(d, v);
            }
            m.intoArray(mean, c);
            v.mul(inv).intoArray(var, c);
        }
        if (c < cTo) {
            SCALAR.channelMeanVar(x, batch, channels, 1, c, cTo, mean, var);
        }
    }

    // One contiguous run per call, each with its own accumulators: C2 keeps vectors in registers
    // within one loop but boxes them when they are carried across nested loops.

    /** Sum of {@code x[o, o+len)}. */
    private static float runSum(float[] x, int o, int len) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int p = 0;
        for (; p + 2 * L <= len; p += 2 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, o + p));
            a1 = a1.add(FloatVector.fromArray(F, x, o + p + L));
        }
        for (; p + L <= len; p += L) {
            a0 = a0.add(FloatVector.fromArray(F, x, o + p));
        }
        float s = sumLanesInline(a0.add(a1));
        for (; p < len; p++) {
            s += x[o + p];
        }
        return s;
    }

    /** Sum of {@code (x - m)²} over {@code x[o, o+len)}. */
    private static float runSquaredDeviation(float[] x, int o, int len, float m) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int p = 0;
        for (; p + 2 * L <= len; p += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(F, x, o + p).sub(m);
            FloatVector d1 = FloatVector.fromArray(F, x, o + p + L).sub(m);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
        }
        for (; p + L <= len; p += L) {
            FloatVector d = FloatVector.fromArray(F, x, o + p).sub(m);
            a0 = d.fma(d, a0);
        }
        float s = sumLanesInline(a0.add(a1));
        for (; p < len; p++) {
            float d = x[o + p] - m;
            s = Math.fma(d, d, s);
        }
        return s;
    }

    /** Sum of {@code g·(x - m)} over the run at {@code o}. */
    private static float runDot(float[] g, float[] x, int o, int len, float m) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int p = 0;
        for (; p + 2 * L <= len; p += 2 * L) {
            a0 = FloatVector.fromArray(F, g, o + p).fma(FloatVector.fromArray(F, x, o + p).sub(m), a0);
            a1 = FloatVector.fromArray(F, g, o + p + L).fma(FloatVector.fromArray(F, x, o + p + L).sub(m), a1);
        }
        for (; p + L <= len; p += L) {
            a0 = FloatVector.fromArray(F, g, o + p).fma(FloatVector.fromArray(F, x, o + p).sub(m), a0);
        }
        float s = sumLanesInline(a0.add(a1));
        for (; p < len; p++) {
            s = Math.fma(g[o + p], x[o + p] - m, s);
        }
        return s;
    }

    @Override
    public void channelAffine(float[] x, float[] y, int channels, int spatial, int rowFrom, int rowTo,
                              float[] scale, float[] shift) {
        for (int r = rowFrom; r < rowTo; r++) {
            if (spatial == 1) {
                int o = r * channels;
                int c = 0;
                for (; c + L <= channels; c += L) {
                    FloatVector.fromArray(F, x, o + c)
                            .fma(FloatVector.fromArray(F, scale, c), FloatVector.fromArray(F, shift, c))
                            .intoArray(y, o + c);
                }
                for (; c < channels; c++) {
                    y[o + c] = Math.fma(x[o + c], scale[c], shift[c]);
                }
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int o = (r * channels + c) * spatial;
                float a = scale[c];
                float b = shift[c];
                FloatVector av = FloatVector.broadcast(F, a);
                FloatVector bv = FloatVector.broadcast(F, b);
                int p = 0;
                for (; p + L <= spatial; p += L) {
                    FloatVector.fromArray(F, x, o + p).fma(av, bv).intoArray(y, o + p);
                }
                for (; p < spatial; p++) {
                    y[o + p] = Math.fma(x[o + p], a, b);
                }
            }
        }
    }

    @Override
    public void channelGradSums(float[] x, float[] dy, int batch, int channels, int spatial, int cFrom, int cTo,
                                float[] mean, float[] invStd, float[] sumDy, float[] sumDyXhat) {
        if (spatial > 1) {
            for (int c = cFrom; c < cTo; c++) {
                float m = mean[c];
                float s = 0f;
                float sx = 0f;
                for (int r = 0; r < batch; r++) {
                    int o = (r * channels + c) * spatial;
                    s += runSum(dy, o, spatial);
                    sx += runDot(dy, x, o, spatial, m);
                }
                sumDy[c] = s;
                sumDyXhat[c] = sx * invStd[c];
            }
            return;
        }
        int c = cFrom;
        for (; c + L <= cTo; c += L) {
            FloatVector m = FloatVector.fromArray(F, mean, c);
            FloatVector s = FloatVector.zero(F);
            FloatVector sx = FloatVector.zero(F);
            for (int r = 0; r < batch; r++) {
                int o = r * channels + c;
                FloatVector g = FloatVector.fromArray(F, dy, o);
                s = s.add(g);
                sx = g.fma(FloatVector.fromArray(F, x, o).sub(m), sx);
            }
            s.intoArray(sumDy, c);
            sx.mul(FloatVector.fromArray(F, invStd, c)).intoArray(sumDyXhat, c);
        }
        if (c < cTo) {
            SCALAR.channelGradSums(x, dy, batch, channels, 1, c, cTo, mean, invStd, sumDy, sumDyXhat);
        }
    }

    @Override
    public void batchNormBackward(float[] x, float[] dy, float[] dx, int channels, int spatial, int rowFrom,
                                  int rowTo, float[] mean, float[] invStd, float[] gain, float[] meanDy,
                                  float[] meanDyXhat) {
        for (int r = rowFrom; r < rowTo; r++) {
            if (spatial == 1) {
                int o = r * channels;
                int c = 0;
                for (; c + L <= channels; c += L) {
                    FloatVector k = FloatVector.fromArray(F, invStd, c).mul(FloatVector.fromArray(F, meanDyXhat, c));
                    FloatVector xc = FloatVector.fromArray(F, x, o + c).sub(FloatVector.fromArray(F, mean, c));
                    FloatVector.fromArray(F, dy, o + c).sub(FloatVector.fromArray(F, meanDy, c)).sub(xc.mul(k))
                            .mul(FloatVector.fromArray(F, gain, c)).intoArray(dx, o + c);
                }
                for (; c < channels; c++) {
                    float k = invStd[c] * meanDyXhat[c];
                    dx[o + c] = gain[c] * (dy[o + c] - meanDy[c] - (x[o + c] - mean[c]) * k);
                }
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int o = (r * channels + c) * spatial;
                float m = mean[c];
                float k = invStd[c] * meanDyXhat[c];
                float g = gain[c];
                float md = meanDy[c];
                FloatVector mv = FloatVector.broadcast(F, m);
                FloatVector kv = FloatVector.broadcast(F, k);
                FloatVector gv = FloatVector.broadcast(F, g);
                FloatVector mdv = FloatVector.broadcast(F, md);
                int p = 0;
                for (; p + L <= spatial; p += L) {
                    FloatVector xc = FloatVector.fromArray(F, x, o + p).sub(mv);
                    FloatVector.fromArray(F, dy, o + p).sub(mdv).sub(xc.mul(kv)).mul(gv).intoArray(dx, o + p);
                }
                for (; p < spatial; p++) {
                    dx[o + p] = g * (dy[o + p] - md - (x[o + p] - m) * k);
                }
            }
        }
    }

    @Override
    public void normalize(byte[] pixels, int off, float[] out, int outOff, int len, float scale, float shift) {
        int i = 0;
        // Only the preferred float shape: a second FloatVector class (this loop used 256-bit
        // floats) pollutes the JDK's shared type profiles, and C2 then fails to intrinsify the
        // GEMM micro-kernel, which falls back to boxed vectors (measured: 110 -> 0.4 GFLOP/s).
        for (; i + L <= len; i += L) {
            // sign-extend then mask: ZERO_EXTEND_B2I is broken on JDK 17's incubator
            IntVector ints = (IntVector) ByteVector.fromArray(BL, pixels, off + i)
                    .convertShape(VectorOperators.B2I, I, 0);
            FloatVector x = (FloatVector) ints.and(0xFF).convertShape(VectorOperators.I2F, F, 0);
            x.fma(scale, shift).intoArray(out, outOff + i);
        }
        for (; i < len; i++) {
            out[outOff + i] = Math.fma(pixels[off + i] & 0xFF, scale, shift);
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
                     float beta1, float beta2, float lrT, float epsT) {
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector gi = FloatVector.fromArray(F, g, i);
            FloatVector mi = floorInline(FloatVector.fromArray(F, m, i).mul(beta1).add(gi.mul(c1)));
            FloatVector vi = floorInline(FloatVector.fromArray(F, v, i).mul(beta2).add(gi.mul(gi).mul(c2)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector step = mi.mul(lrT).div(vi.sqrt().add(epsT));
            FloatVector.fromArray(F, p, i).sub(step).intoArray(p, i);
        }
        for (; i < to; i++) {
            float gi = g[i];
            float mi = ScalarKernels.floor(beta1 * m[i] + c1 * gi);
            // same operation order as the vector lanes, so a chunk boundary never changes a bit
            float vi = ScalarKernels.floor(beta2 * v[i] + gi * gi * c2);
            m[i] = mi;
            v[i] = vi;
            p[i] -= mi * lrT / ((float) Math.sqrt(vi) + epsT);
        }
    }

    /** 0 in the lanes below {@link Kernels#STATE_FLOOR} in magnitude, as {@link ScalarKernels#floor}. */
    private static FloatVector floorInline(FloatVector x) {
        return x.blend(0f, x.abs().lt(STATE_FLOOR));
    }

    @Override
    public void sgd(float[] p, float[] g, float[] vel, int from, int to, float lr, float mu) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector vi = floorInline(FloatVector.fromArray(F, vel, i).mul(mu).add(FloatVector.fromArray(F, g, i)));
            vi.intoArray(vel, i);
            FloatVector.fromArray(F, p, i).sub(vi.mul(lr)).intoArray(p, i);
        }
        for (; i < to; i++) {
            float vi = ScalarKernels.floor(mu * vel[i] + g[i]);
            vel[i] = vi;
            p[i] -= lr * vi;
        }
    }

    /**
     * Copies whole runs: for each window offset and output row, the output columns that read
     * inside the input form one run, contiguous in the input when the horizontal stride is 1.
     */
    @Override
    public void im2col(float[] x, int xOff, Window2d g, float[] col, int colOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), sw = g.sw();
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int x0 = Math.min(ow, g.firstInsideX(kj));
                    int x1 = Math.max(x0, g.endInsideX(kj));
                    int o = colOff + row * oh * ow;
                    for (int y = 0; y < oh; y++, o += ow) {
                        int ih = y * g.sh() - g.padTop() + ki;
                        if (ih < 0 || ih >= h) {
                            fillVector(col, o, o + ow, 0f);
                            continue;
                        }
                        if (x0 > 0) { // (the calls alone cost 3 % of a CNN epoch when mostly empty)
                            fillVector(col, o, o + x0, 0f);
                        }
                        int src = xOff + (c * h + ih) * w + x0 * sw - g.padLeft() + kj;
                        if (sw == 1) {
                            System.arraycopy(x, src, col, o + x0, x1 - x0);
                        } else {
                            for (int xo = x0; xo < x1; xo++, src += sw) {
                                col[o + xo] = x[src];
                            }
                        }
                        if (x1 < ow) {
                            fillVector(col, o + x1, o + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    /**
     * Same loop order as the scalar reference, so every input element receives its terms in the
     * same order and the result is bit-identical; runs are added a vector at a time.
     */
    @Override
    public void col2im(float[] col, int colOff, Window2d g, float[] dx, int dxOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), sw = g.sw();
        fillVector(dx, dxOff, dxOff + g.channels() * h * w, 0f);
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int x0 = Math.min(ow, g.firstInsideX(kj));
                    int x1 = Math.max(x0, g.endInsideX(kj));
                    int o = colOff + row * oh * ow;
                    if (sw == 1 && twoVectors(x1 - x0)) {
                        // the output rows whose window row ki is inside the input, then one
                        // run of one to two vectors per row
                        int y0 = Math.min(oh, g.firstInsideY(ki));
                        int y1 = Math.max(y0, g.endInsideY(ki));
                        int d = dxOff + (c * h + y0 * g.sh() - g.padTop() + ki) * w + x0 - g.padLeft() + kj;
                        addRowRuns(col, o + y0 * ow + x0, ow, dx, d, g.sh() * w, y1 - y0, x1 - x0 - L);
                        continue;
                    }
                    for (int y = 0; y < oh; y++, o += ow) {
                        int ih = y * g.sh() - g.padTop() + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int d = dxOff + (c * h + ih) * w + x0 * sw - g.padLeft() + kj;
                        int s = o + x0;
                        int n = x1 - x0;
                        if (sw == 1 && n >= L) {
                            int i = 0;
                            for (; i + 2 * L <= n; i += L) {
                                FloatVector.fromArray(F, dx, d + i).add(FloatVector.fromArray(F, col, s + i))
                                        .intoArray(dx, d + i);
                            }
                            // the rest, L to 2L-1 wide, as two vectors that may overlap, both read
                            // before either is stored: an overlapped element gets the same single
                            // sum twice (runs of 24 were a vector and 8 scalar steps)
                            int t = n - L;
                            FloatVector head = FloatVector.fromArray(F, dx, d + i).add(FloatVector.fromArray(F, col, s + i));
                            FloatVector tail = FloatVector.fromArray(F, dx, d + t).add(FloatVector.fromArray(F, col, s + t));
                            head.intoArray(dx, d + i);
                            tail.intoArray(dx, d + t);
                        } else if (sw == 1) {
                            for (int i = 0; i < n; i++) {
                                dx[d + i] += col[s + i];
                            }
                        } else {
                            for (int i = 0; i < n; i++, d += sw) {
                                dx[d] += col[s + i];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether a run of {@code n} floats is one to two vectors long, so that two vector loads or
     * stores cover it exactly, overlapping or end to end: the runs the packing and
     * {@link #col2im} copy or add without a loop per run.
     */
    static boolean twoVectors(int n) {
        return n >= L && n <= 2 * L;
    }

    /**
     * {@link #col2im}'s adds for one row of the unfolding whose runs are one to two vectors:
     * {@code rows} runs {@code col[s..]} ({@code ow} apart) onto {@code dx[d..]} ({@code dStep}
     * apart), each as two vectors, the second from {@code t} on, both read before either is
     * stored, so an element they share gets its one sum twice. The general loop's bounds tests
     * and run-length cases per output row cost more than these adds: JMH, the CNN example's
     * second convolution backward, builds in turn, 7 forks each, medians 173.2 → 179.4 GFLOP/s
     * at 1 thread, 323.5 → 333.5 at 2. Each element gets the same adds in the same order, so
     * the same bits.
     */
    private static void addRowRuns(float[] col, int s, int ow, float[] dx, int d, int dStep, int rows, int t) {
        for (int y = 0; y < rows; y++, s += ow, d += dStep) {
            FloatVector head = FloatVector.fromArray(F, dx, d).add(FloatVector.fromArray(F, col, s));
            FloatVector tail = FloatVector.fromArray(F, dx, d + t).add(FloatVector.fromArray(F, col, s + t));
            head.intoArray(dx, d);
            tail.intoArray(dx, d + t);
        }
    }

    /** {@link #strideMap} for the common strides, made once: the kernels run per sample. */
    private static final int[][] STRIDE_MAPS = new int[9][];

    static {
        for (int sw = 1; sw < STRIDE_MAPS.length; sw++) {
            STRIDE_MAPS[sw] = newStrideMap(sw);
        }
    }

    /** Lane offsets {@code 0, sw, 2·sw, ...}: lane {@code i} handles output column {@code x + i}. */
    private static int[] strideMap(int sw) {
        return sw < STRIDE_MAPS.length ? STRIDE_MAPS[sw] : newStrideMap(sw);
    }

    private static int[] newStrideMap(int sw) {
        int[] m = new int[L];
        for (int i = 0; i < L; i++) {
            m[i] = i * sw;
        }
        return m;
    }

    /** Input elements {@code x[off + map[i]]}: a plain load when the stride is 1, a gather otherwise. */
    private static FloatVector loadInline(float[] x, int off, int sw, int[] map) {
        return sw == 1 ? FloatVector.fromArray(F, x, off) : FloatVector.fromArray(F, x, off, map, 0);
    }

    /**
     * Output columns whose window lies wholly inside the input are done {@link #L} at a time,
     * comparing in the scalar reference's scan order with the same strict {@code >}, so the
     * maxima and their indices are bit-identical; the padded edges use the scalar code.
     */
    @Override
    public void maxPool(float[] x, int xOff, Window2d g, float[] y, int yOff, int[] arg, int argOff) {
        if (windowsInside(g) && g.kw() == 2 && g.sw() == 2) {
            maxPoolPairs(x, xOff, g, y, yOff, arg, argOff);
            return;
        }
        if (windowsInside(g) && g.outPlane() >= L) {
            maxPoolPlanes(x, xOff, g, y, yOff, arg, argOff);
            return;
        }
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), sw = g.sw(), kw = g.kw();
        int xi0 = Math.min(ow, g.firstInsideX(0));
        int xi1 = Math.max(xi0, g.endInsideX(kw - 1));
        int[] map = strideMap(sw);
        IntVector lanes = IntVector.fromArray(I, map, 0);
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++, o += ow) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                int xo = 0;
                for (; xo < xi0; xo++) {
                    maxPoolOne(x, xOff, g, c, h0, h1, xo, y, yOff + o + xo, arg, argOff + o + xo);
                }
                for (; xo + L <= xi1; xo += L) {
                    int first = (c * h + h0) * w + xo * sw - g.padLeft();
                    FloatVector best = loadInline(x, xOff + first, sw, map);
                    IntVector at = IntVector.broadcast(I, first).add(lanes);
                    for (int ih = h0; ih < h1; ih++) {
                        int rowStart = (c * h + ih) * w + xo * sw - g.padLeft();
                        for (int kj = ih == h0 ? 1 : 0; kj < kw; kj++) {
                            FloatVector v = loadInline(x, xOff + rowStart + kj, sw, map);
                            VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                            best = best.blend(v, gt);
                            at = at.blend(IntVector.broadcast(I, rowStart + kj).add(lanes), gt.cast(I));
                        }
                    }
                    best.intoArray(y, yOff + o + xo);
                    at.intoArray(arg, argOff + o + xo);
                }
                for (; xo < ow; xo++) {
                    maxPoolOne(x, xOff, g, c, h0, h1, xo, y, yOff + o + xo, arg, argOff + o + xo);
                }
            }
        }
    }

    /**
     * Max pooling without padding (every window lies inside the input, since the output size is
     * floored): {@link #L} outputs of a plane at a time, whichever rows they fall in, each lane
     * gathering its window's elements through {@link #windowStarts}. Output rows are often
     * narrower than a vector (12 columns after the CNN example's 2×2 pool), which left the
     * row-wise vector path idle and the scalar one taking 15 % of a training epoch. Same scan
     * order and strict {@code >} as the scalar reference: bit-identical maxima and indices.
     */
    private static void maxPoolPlanes(float[] x, int xOff, Window2d g, float[] y, int yOff, int[] arg, int argOff) {
        int plane = g.outPlane(), inPlane = g.inPlane(), ow = g.outW(), w = g.inW(), kh = g.kh(), kw = g.kw();
        int[] starts = windowStarts(g);
        for (int c = 0; c < g.channels(); c++) {
            int xc = c * inPlane;
            int oc = c * plane;
            int o = 0;
            for (; o + L <= plane; o += L) {
                IntVector first = IntVector.fromArray(I, starts, o).add(xc);
                FloatVector best = FloatVector.fromArray(F, x, xOff + xc, starts, o);
                IntVector at = first;
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = ki == 0 ? 1 : 0; kj < kw; kj++) {
                        int d = ki * w + kj;
                        FloatVector v = FloatVector.fromArray(F, x, xOff + xc + d, starts, o);
                        VectorMask<Float> gt = v.compare(VectorOperators.GT, best);
                        best = best.blend(v, gt);
                        at = at.blend(first.add(d), gt.cast(I));
                    }
                }
                best.intoArray(y, yOff + oc + o);
                at.intoArray(arg, argOff + oc + o);
            }
            for (; o < plane; o++) {
                int yo = o / ow;
                maxPoolOne(x, xOff, g, c, yo * g.sh(), yo * g.sh() + kh, o % ow,
                        y, yOff + oc + o, arg, argOff + oc + o);
            }
        }
    }

    /** Lanes {@code 0, 2, 4, ...} and {@code 1, 3, 5, ...} of two vectors side by side. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(F, i -> (2 * i + 1) % L);
    /** Lanes of the second half, which come from the second vector. */
    private static final VectorMask<Float> HIGH = F.indexInRange(-L / 2, L / 2);

    /**
     * Max pooling with windows two columns wide at stride two, wholly inside the input (the
     * common 2×2 pool): {@link #L} outputs of a row from two plain loads per window row, split
     * into even and odd columns by lane shuffles. Gathers cost ~70 µs per sample of the CNN
     * example's pool on this machine; plain loads and shuffles a fraction of that. Same scan
     * order and strict {@code >} as the scalar reference: bit-identical maxima and indices.
     */
    private static void maxPoolPairs(float[] x, int xOff, Window2d g, float[] y, int yOff, int[] arg, int argOff) {
        int oh = g.outH(), ow = g.outW(), sh = g.sh(), kh = g.kh();
        int end = g.channels() * oh * ow;
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++, o += ow) {
                int xo = maxPoolPairsRow(x, xOff, g, c, yo, end, o, y, yOff, arg, argOff);
                for (; xo < ow; xo++) {
                    maxPoolOne(x, xOff, g, c, yo * sh, yo * sh + kh, xo, y, yOff + o + xo, arg, argOff + o + xo);
                }
            }
        }
    }

    /**
     * Output row {@code yo} of channel {@code c} (outputs from {@code o}) a vector of outputs at a
     * time, for {@link #maxPoolPairs}; returns the first output column left to the scalar code.
     * A method of its own so that C2 compiles this loop nest alone (see {@link #dot4}).
     */
    private static int maxPoolPairsRow(float[] x, int xOff, Window2d g, int c, int yo, int end, int o,
                                       float[] y, int yOff, int[] arg, int argOff) {
        int ow = g.outW(), h = g.inH(), w = g.inW(), kh = g.kh(), sh = g.sh();
        int top = (c * h + yo * sh) * w;
        int xo = 0;
        for (; xo < ow; xo += L) {
            int first = top + 2 * xo;
            if (o + xo + L > end || xOff + first + (kh - 1) * w + 2 * L > x.length) {
                // a whole vector would be stored past this sample's outputs, or loaded past
                // the input array: the scalar code finishes the row
                break;
            }
            IntVector at0 = TWICE_IOTA.add(first);
            // window row 0 outside the loop: a vector variable that starts as null is
            // boxed by C2 (9 MB of garbage per batch)
            int r = xOff + first;
            FloatVector lo = FloatVector.fromArray(F, x, r);
            FloatVector hi = FloatVector.fromArray(F, x, r + L);
            FloatVector best = evenLanesInline(lo, hi);
            FloatVector odd = oddLanesInline(lo, hi);
            VectorMask<Float> gt = odd.compare(VectorOperators.GT, best);
            best = best.blend(odd, gt);
            IntVector at = at0.blend(at0.add(1), gt.cast(I));
            for (int ki = 1; ki < kh; ki++) {
                r += w;
                lo = FloatVector.fromArray(F, x, r);
                hi = FloatVector.fromArray(F, x, r + L);
                FloatVector even = evenLanesInline(lo, hi);
                gt = even.compare(VectorOperators.GT, best);
                best = best.blend(even, gt);
                at = at.blend(at0.add(ki * w), gt.cast(I));
                odd = oddLanesInline(lo, hi);
                gt = odd.compare(VectorOperators.GT, best);
                best = best.blend(odd, gt);
                at = at.blend(at0.add(ki * w + 1), gt.cast(I));
            }
            // lanes past the row land on outputs of later rows, which are computed (and
            // stored) after this row: masked stores were slower than this on JDK 17
            best.intoArray(y, yOff + o + xo);
            at.intoArray(arg, argOff + o + xo);
        }
        return Math.min(xo, ow);
    }

    /** The even lanes of {@code lo} then of {@code hi}: single-vector shuffles and a blend (JDK 17's two-vector rearrange is slower). */
    private static FloatVector evenLanesInline(FloatVector lo, FloatVector hi) {
        return lo.rearrange(EVEN).blend(hi.rearrange(EVEN), HIGH);
    }

    /** The odd lanes of {@code lo} then of {@code hi}. */
    private static FloatVector oddLanesInline(FloatVector lo, FloatVector hi) {
        return lo.rearrange(ODD).blend(hi.rearrange(ODD), HIGH);
    }

    /** Whether every window lies wholly inside the input (no padding is ever read). */
    private static boolean windowsInside(Window2d g) {
        return g.padTop() == 0 && g.padLeft() == 0
                && (g.outH() - 1) * g.sh() + g.kh() <= g.inH() && (g.outW() - 1) * g.sw() + g.kw() <= g.inW();
    }

    /** Per window geometry, the plane offset of each output's window start: made once, read per sample. */
    private static final java.util.concurrent.ConcurrentHashMap<Window2d, int[]> WINDOW_STARTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static int[] windowStarts(Window2d g) {
        int[] s = WINDOW_STARTS.get(g);
        return s != null ? s : WINDOW_STARTS.computeIfAbsent(g, VectorKernels::newWindowStarts);
    }

    private static int[] newWindowStarts(Window2d g) {
        int ow = g.outW();
        int[] s = new int[g.outPlane()];
        for (int o = 0; o < s.length; o++) {
            s[o] = (o / ow) * g.sh() * g.inW() + (o % ow) * g.sw();
        }
        return s;
    }

    private static void maxPoolOne(float[] x, int xOff, Window2d g, int c, int h0, int h1, int xo,
                                   float[] y, int yAt, int[] arg, int argAt) {
        int h = g.inH(), w = g.inW();
        int w0 = Math.max(0, xo * g.sw() - g.padLeft());
        int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
        int best = (c * h + h0) * w + w0;
        float m = x[xOff + best];
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int i = (c * h + ih) * w + iw;
                if (x[xOff + i] > m) {
                    m = x[xOff + i];
                    best = i;
                }
            }
        }
        y[yAt] = m;
        arg[argAt] = best;
    }

    /** Interior columns a vector at a time, summed in the scalar order: bit-identical results. */
    @Override
    public void avgPool(float[] x, int xOff, Window2d g, float[] y, int yOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), sw = g.sw(), kw = g.kw();
        int xi0 = Math.min(ow, g.firstInsideX(0));
        int xi1 = Math.max(xi0, g.endInsideX(kw - 1));
        int[] map = strideMap(sw);
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++, o += ow) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                int xo = 0;
                for (; xo < xi0; xo++) {
                    y[yOff + o + xo] = avgPoolOne(x, xOff, g, c, h0, h1, xo);
                }
                float count = (h1 - h0) * kw;
                for (; xo + L <= xi1; xo += L) {
                    FloatVector s = FloatVector.zero(F);
                    for (int ih = h0; ih < h1; ih++) {
                        int rowStart = xOff + (c * h + ih) * w + xo * sw - g.padLeft();
                        for (int kj = 0; kj < kw; kj++) {
                            s = s.add(loadInline(x, rowStart + kj, sw, map));
                        }
                    }
                    s.div(count).intoArray(y, yOff + o + xo);
                }
                for (; xo < ow; xo++) {
                    y[yOff + o + xo] = avgPoolOne(x, xOff, g, c, h0, h1, xo);
                }
            }
        }
    }

    private static float avgPoolOne(float[] x, int xOff, Window2d g, int c, int h0, int h1, int xo) {
        int h = g.inH(), w = g.inW();
        int w0 = Math.max(0, xo * g.sw() - g.padLeft());
        int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
        float s = 0f;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                s += x[xOff + (c * h + ih) * w + iw];
            }
        }
        return s / ((h1 - h0) * (w1 - w0));
    }

    /**
     * Interior columns a vector at a time; lanes of one step write distinct elements, so a
     * gather-add-scatter is safe. Where windows overlap, an element's terms arrive in another
     * order than in the scalar reference (last bits may differ); the order never depends on
     * threads.
     */
    @Override
    public void avgPoolBackward(float[] dy, int dyOff, Window2d g, float[] dx, int dxOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW(), sw = g.sw(), kw = g.kw();
        fillVector(dx, dxOff, dxOff + g.channels() * h * w, 0f);
        int xi0 = Math.min(ow, g.firstInsideX(0));
        int xi1 = Math.max(xi0, g.endInsideX(kw - 1));
        int[] map = strideMap(sw);
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++, o += ow) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                int xo = 0;
                for (; xo < xi0; xo++) {
                    avgPoolBackOne(dy[dyOff + o + xo], g, c, h0, h1, xo, dx, dxOff);
                }
                float count = (h1 - h0) * kw;
                for (; xo + L <= xi1; xo += L) {
                    FloatVector d = FloatVector.fromArray(F, dy, dyOff + o + xo).div(count);
                    for (int ih = h0; ih < h1; ih++) {
                        int rowStart = dxOff + (c * h + ih) * w + xo * sw - g.padLeft();
                        for (int kj = 0; kj < kw; kj++) {
                            int at = rowStart + kj;
                            if (sw == 1) {
                                FloatVector.fromArray(F, dx, at).add(d).intoArray(dx, at);
                            } else {
                                FloatVector.fromArray(F, dx, at, map, 0).add(d).intoArray(dx, at, map, 0);
                            }
                        }
                    }
                }
                for (; xo < ow; xo++) {
                    avgPoolBackOne(dy[dyOff + o + xo], g, c, h0, h1, xo, dx, dxOff);
                }
            }
        }
    }

    private static void avgPoolBackOne(float dyv, Window2d g, int c, int h0, int h1, int xo, float[] dx, int dxOff) {
        int h = g.inH(), w = g.inW();
        int w0 = Math.max(0, xo * g.sw() - g.padLeft());
        int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
        float d = dyv / ((h1 - h0) * (w1 - w0));
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                dx[dxOff + (c * h + ih) * w + iw] += d;
            }
        }
    }

    @Override
    public float sum(float[] a, int from, int to) {
        int i = from;
        FloatVector s = FloatVector.zero(F);
        for (; i + L <= to; i += L) {
            s = s.add(FloatVector.fromArray(F, a, i));
        }
        float r = sumLanesInline(s);
        for (; i < to; i++) {
            r += a[i];
        }
        return r;
    }

    @Override
    public void fill(float[] a, int from, int to, float value) {
        fillVector(a, from, to, value);
    }

    /** {@link #fill} for this package's kernels. */
    static void fillVector(float[] a, int from, int to, float value) {
        int i = from;
        if (to - from >= L) {
            FloatVector v = FloatVector.broadcast(F, value);
            for (; i + L <= to; i += L) {
                v.intoArray(a, i);
            }
        }
        for (; i < to; i++) {
            a[i] = value;
        }
    }
}
