package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes a 16×16 block of floats in registers, for packing a transposed operand of
 * {@link PackedGemm} with whole-vector loads and stores, where the packing otherwise scattered or
 * gathered every element (the input gradient's {@code Wᵀ}, a weight gradient's {@code Xᵀ}, a
 * convolution's {@code dYᵀ}).
 *
 * <p>Four stages, one per bit of the lane index: stage {@code s} (1, 2, 4, 8) swaps, between
 * rows {@code r} and {@code r + s} ({@code r} without bit {@code s}), lane {@code l + s} of row
 * {@code r} with lane {@code l} of row {@code r + s}, for the lanes {@code l} without bit
 * {@code s}. After the four, the element of row {@code i}, lane {@code j} is at row {@code j},
 * lane {@code i}. Each pair of rows takes one permute and three blends: the lanes that move
 * are blended into one vector, which a permute swapping lanes {@code l} and {@code l ^ s} puts
 * in place, and two blends merge it back. Stages 1, 2 and 4 are written out for each half of 8
 * rows, which they keep in registers; stage 8 pairs the halves through the destination.
 *
 * <p>Why one permute per pair rather than one per row: C2 spent 98 ms compiling the block with
 * two (the largest compile of the MLP's first epoch after the micro-kernel), against 52–55 ms
 * with one, for the same speed, in a scratch benchmark.
 *
 * <p>The Vector API's 512-bit species, whatever the machine prefers: {@link PackedGemm} uses this
 * only when its vectors are 16 floats wide, and tests run it everywhere. A copy: the same values,
 * so the same bits, as the scatters and gathers. Packing {@code dY·Wᵀ} 64×512×512's transposed
 * B (480 columns in strips of 48): 45–50 µs against 77–78 for the scatters on JDK 17, 34 against
 * 80 on JDK 25 (one thread, the AMD Zen 5 host).
 */
final class Transpose16 {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Rows and lanes of a block. */
    static final int N = 16;

    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromArray(F, swap(1), 0);
    private static final VectorMask<Float> HIGH1 = VectorMask.fromArray(F, high(1), 0);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromArray(F, swap(2), 0);
    private static final VectorMask<Float> HIGH2 = VectorMask.fromArray(F, high(2), 0);
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromArray(F, swap(4), 0);
    private static final VectorMask<Float> HIGH4 = VectorMask.fromArray(F, high(4), 0);
    private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromArray(F, swap(8), 0);
    private static final VectorMask<Float> HIGH8 = VectorMask.fromArray(F, high(8), 0);

    private Transpose16() {
    }

    /** Lane {@code l} takes lane {@code l ^ s}. */
    private static int[] swap(int s) {
        int[] idx = new int[N];
        for (int l = 0; l < N; l++) {
            idx[l] = l ^ s;
        }
        return idx;
    }

    /** The lanes with bit {@code s}. */
    private static boolean[] high(int s) {
        boolean[] m = new boolean[N];
        for (int l = 0; l < N; l++) {
            m[l] = (l & s) != 0;
        }
        return m;
    }

    /**
     * {@code dst[d + j·dstStride + i] = src[s + i·srcStride + j]} for {@code i, j < 16}: 16 rows
     * of 16 floats from {@code src}, {@code srcStride} apart, into 16 rows of {@code dst},
     * {@code dstStride} apart. {@code dst} must not overlap the source rows.
     *
     * <p>Stages 1, 2 and 4 pair rows within each half of 8, so each half takes them in registers
     * ({@link #half}) and writes its rows to {@code dst}; stage 8 then pairs the halves there,
     * in place ({@link #acrossHalves}).
     *
     * <p>Why not one method with all 16 rows in registers, as before: its 160 vector operations
     * were more than C2 reliably compiles to intrinsics in one piece. In 4 of 28 JVMs timing the
     * product alone ({@code InterleavedGemm --shape NT:64x512x512 --threads 2}; 18 training JVMs
     * had none, {@code bench/jit-check.sh}) a compile left half of the
     * block's stores with a vector of no exact type, so {@code VectorSupport.store} could not be
     * intrinsified ("failed to inline (intrinsic)" in {@code PrintInlining}) and those stores ran
     * the Vector API's Java fallback for the JVM's lifetime: the input gradient {@code dY·Wᵀ}
     * 64×512×512 at 2 threads ran at 0.31–0.34 of the FMA peak instead of 0.62–0.66. In halves
     * (64 operations per method), 16 of 16 JVMs compiled every store and ran at 0.62–0.65 of the
     * peak. The round trip through {@code dst} costs 4–6 % of the product in a good JVM (JMH, one
     * thread, 3 alternating forks each: {@code dY·Wᵀ} 184–191 against 192–205 GFLOP/s,
     * {@code Xᵀ·dY} 784×512×64 219–233 against 234–241), and C2 compiles the halves in 36 ms
     * against 80 for the whole block. MNIST MLP epochs did not move (2 threads, 10 alternating
     * pairs: medians 1.316 against 1.320 s).
     */
    static void block(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
        half(src, s, srcStride, dst, d, dstStride);
        half(src, s + 8 * srcStride, srcStride, dst, d + 8 * dstStride, dstStride);
        acrossHalves(dst, d, dstStride);
    }

    /** Stages 1, 2 and 4 on 8 rows of {@code src}, written to 8 rows of {@code dst}. */
    private static void half(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(F, src, s + 0 * srcStride);
        FloatVector r1 = FloatVector.fromArray(F, src, s + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(F, src, s + 2 * srcStride);
        FloatVector r3 = FloatVector.fromArray(F, src, s + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(F, src, s + 4 * srcStride);
        FloatVector r5 = FloatVector.fromArray(F, src, s + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(F, src, s + 6 * srcStride);
        FloatVector r7 = FloatVector.fromArray(F, src, s + 7 * srcStride);
        // stage 1: the lanes of rows r and r + 1 that move, swapped into place by one permute
        FloatVector m1r0 = r1.blend(r0, HIGH1).rearrange(SWAP1);
        FloatVector s1r0 = r0.blend(m1r0, HIGH1);
        FloatVector s1r1 = m1r0.blend(r1, HIGH1);
        FloatVector m1r2 = r3.blend(r2, HIGH1).rearrange(SWAP1);
        FloatVector s1r2 = r2.blend(m1r2, HIGH1);
        FloatVector s1r3 = m1r2.blend(r3, HIGH1);
        FloatVector m1r4 = r5.blend(r4, HIGH1).rearrange(SWAP1);
        FloatVector s1r4 = r4.blend(m1r4, HIGH1);
        FloatVector s1r5 = m1r4.blend(r5, HIGH1);
        FloatVector m1r6 = r7.blend(r6, HIGH1).rearrange(SWAP1);
        FloatVector s1r6 = r6.blend(m1r6, HIGH1);
        FloatVector s1r7 = m1r6.blend(r7, HIGH1);
        // stage 2: rows r and r + 2
        FloatVector m2r0 = s1r2.blend(s1r0, HIGH2).rearrange(SWAP2);
        FloatVector s2r0 = s1r0.blend(m2r0, HIGH2);
        FloatVector s2r2 = m2r0.blend(s1r2, HIGH2);
        FloatVector m2r1 = s1r3.blend(s1r1, HIGH2).rearrange(SWAP2);
        FloatVector s2r1 = s1r1.blend(m2r1, HIGH2);
        FloatVector s2r3 = m2r1.blend(s1r3, HIGH2);
        FloatVector m2r4 = s1r6.blend(s1r4, HIGH2).rearrange(SWAP2);
        FloatVector s2r4 = s1r4.blend(m2r4, HIGH2);
        FloatVector s2r6 = m2r4.blend(s1r6, HIGH2);
        FloatVector m2r5 = s1r7.blend(s1r5, HIGH2).rearrange(SWAP2);
        FloatVector s2r5 = s1r5.blend(m2r5, HIGH2);
        FloatVector s2r7 = m2r5.blend(s1r7, HIGH2);
        // stage 4: rows r and r + 4
        FloatVector m4r0 = s2r4.blend(s2r0, HIGH4).rearrange(SWAP4);
        FloatVector m4r1 = s2r5.blend(s2r1, HIGH4).rearrange(SWAP4);
        FloatVector m4r2 = s2r6.blend(s2r2, HIGH4).rearrange(SWAP4);
        FloatVector m4r3 = s2r7.blend(s2r3, HIGH4).rearrange(SWAP4);
        s2r0.blend(m4r0, HIGH4).intoArray(dst, d + 0 * dstStride);
        s2r1.blend(m4r1, HIGH4).intoArray(dst, d + 1 * dstStride);
        s2r2.blend(m4r2, HIGH4).intoArray(dst, d + 2 * dstStride);
        s2r3.blend(m4r3, HIGH4).intoArray(dst, d + 3 * dstStride);
        m4r0.blend(s2r4, HIGH4).intoArray(dst, d + 4 * dstStride);
        m4r1.blend(s2r5, HIGH4).intoArray(dst, d + 5 * dstStride);
        m4r2.blend(s2r6, HIGH4).intoArray(dst, d + 6 * dstStride);
        m4r3.blend(s2r7, HIGH4).intoArray(dst, d + 7 * dstStride);
    }

    /** Stage 8 in place: rows {@code r} and {@code r + 8} of {@code dst}, for {@code r < 8}. */
    private static void acrossHalves(float[] dst, int d, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(F, dst, d + 0 * dstStride);
        FloatVector r1 = FloatVector.fromArray(F, dst, d + 1 * dstStride);
        FloatVector r2 = FloatVector.fromArray(F, dst, d + 2 * dstStride);
        FloatVector r3 = FloatVector.fromArray(F, dst, d + 3 * dstStride);
        FloatVector r4 = FloatVector.fromArray(F, dst, d + 4 * dstStride);
        FloatVector r5 = FloatVector.fromArray(F, dst, d + 5 * dstStride);
        FloatVector r6 = FloatVector.fromArray(F, dst, d + 6 * dstStride);
        FloatVector r7 = FloatVector.fromArray(F, dst, d + 7 * dstStride);
        FloatVector r8 = FloatVector.fromArray(F, dst, d + 8 * dstStride);
        FloatVector r9 = FloatVector.fromArray(F, dst, d + 9 * dstStride);
        FloatVector r10 = FloatVector.fromArray(F, dst, d + 10 * dstStride);
        FloatVector r11 = FloatVector.fromArray(F, dst, d + 11 * dstStride);
        FloatVector r12 = FloatVector.fromArray(F, dst, d + 12 * dstStride);
        FloatVector r13 = FloatVector.fromArray(F, dst, d + 13 * dstStride);
        FloatVector r14 = FloatVector.fromArray(F, dst, d + 14 * dstStride);
        FloatVector r15 = FloatVector.fromArray(F, dst, d + 15 * dstStride);
        FloatVector m0 = r8.blend(r0, HIGH8).rearrange(SWAP8);
        FloatVector m1 = r9.blend(r1, HIGH8).rearrange(SWAP8);
        FloatVector m2 = r10.blend(r2, HIGH8).rearrange(SWAP8);
        FloatVector m3 = r11.blend(r3, HIGH8).rearrange(SWAP8);
        FloatVector m4 = r12.blend(r4, HIGH8).rearrange(SWAP8);
        FloatVector m5 = r13.blend(r5, HIGH8).rearrange(SWAP8);
        FloatVector m6 = r14.blend(r6, HIGH8).rearrange(SWAP8);
        FloatVector m7 = r15.blend(r7, HIGH8).rearrange(SWAP8);
        r0.blend(m0, HIGH8).intoArray(dst, d + 0 * dstStride);
        r1.blend(m1, HIGH8).intoArray(dst, d + 1 * dstStride);
        r2.blend(m2, HIGH8).intoArray(dst, d + 2 * dstStride);
        r3.blend(m3, HIGH8).intoArray(dst, d + 3 * dstStride);
        r4.blend(m4, HIGH8).intoArray(dst, d + 4 * dstStride);
        r5.blend(m5, HIGH8).intoArray(dst, d + 5 * dstStride);
        r6.blend(m6, HIGH8).intoArray(dst, d + 6 * dstStride);
        r7.blend(m7, HIGH8).intoArray(dst, d + 7 * dstStride);
        m0.blend(r8, HIGH8).intoArray(dst, d + 8 * dstStride);
        m1.blend(r9, HIGH8).intoArray(dst, d + 9 * dstStride);
        m2.blend(r10, HIGH8).intoArray(dst, d + 10 * dstStride);
        m3.blend(r11, HIGH8).intoArray(dst, d + 11 * dstStride);
        m4.blend(r12, HIGH8).intoArray(dst, d + 12 * dstStride);
        m5.blend(r13, HIGH8).intoArray(dst, d + 13 * dstStride);
        m6.blend(r14, HIGH8).intoArray(dst, d + 14 * dstStride);
        m7.blend(r15, HIGH8).intoArray(dst, d + 15 * dstStride);
    }
}
