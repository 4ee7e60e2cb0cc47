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
 * in place, and two blends merge it back. The stages are written out so that the 16 rows stay
 * in registers.
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
     * {@code dstStride} apart.
     */
    static void block(float[] src, int s, int srcStride, float[] dst, int d, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(F, src, s + 0 * srcStride);
        FloatVector r1 = FloatVector.fromArray(F, src, s + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(F, src, s + 2 * srcStride);
        FloatVector r3 = FloatVector.fromArray(F, src, s + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(F, src, s + 4 * srcStride);
        FloatVector r5 = FloatVector.fromArray(F, src, s + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(F, src, s + 6 * srcStride);
        FloatVector r7 = FloatVector.fromArray(F, src, s + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(F, src, s + 8 * srcStride);
        FloatVector r9 = FloatVector.fromArray(F, src, s + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(F, src, s + 10 * srcStride);
        FloatVector r11 = FloatVector.fromArray(F, src, s + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(F, src, s + 12 * srcStride);
        FloatVector r13 = FloatVector.fromArray(F, src, s + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(F, src, s + 14 * srcStride);
        FloatVector r15 = FloatVector.fromArray(F, src, s + 15 * srcStride);
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
        FloatVector m1r8 = r9.blend(r8, HIGH1).rearrange(SWAP1);
        FloatVector s1r8 = r8.blend(m1r8, HIGH1);
        FloatVector s1r9 = m1r8.blend(r9, HIGH1);
        FloatVector m1r10 = r11.blend(r10, HIGH1).rearrange(SWAP1);
        FloatVector s1r10 = r10.blend(m1r10, HIGH1);
        FloatVector s1r11 = m1r10.blend(r11, HIGH1);
        FloatVector m1r12 = r13.blend(r12, HIGH1).rearrange(SWAP1);
        FloatVector s1r12 = r12.blend(m1r12, HIGH1);
        FloatVector s1r13 = m1r12.blend(r13, HIGH1);
        FloatVector m1r14 = r15.blend(r14, HIGH1).rearrange(SWAP1);
        FloatVector s1r14 = r14.blend(m1r14, HIGH1);
        FloatVector s1r15 = m1r14.blend(r15, HIGH1);
        // stage 2: the lanes of rows r and r + 2 that move, swapped into place by one permute
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
        FloatVector m2r8 = s1r10.blend(s1r8, HIGH2).rearrange(SWAP2);
        FloatVector s2r8 = s1r8.blend(m2r8, HIGH2);
        FloatVector s2r10 = m2r8.blend(s1r10, HIGH2);
        FloatVector m2r9 = s1r11.blend(s1r9, HIGH2).rearrange(SWAP2);
        FloatVector s2r9 = s1r9.blend(m2r9, HIGH2);
        FloatVector s2r11 = m2r9.blend(s1r11, HIGH2);
        FloatVector m2r12 = s1r14.blend(s1r12, HIGH2).rearrange(SWAP2);
        FloatVector s2r12 = s1r12.blend(m2r12, HIGH2);
        FloatVector s2r14 = m2r12.blend(s1r14, HIGH2);
        FloatVector m2r13 = s1r15.blend(s1r13, HIGH2).rearrange(SWAP2);
        FloatVector s2r13 = s1r13.blend(m2r13, HIGH2);
        FloatVector s2r15 = m2r13.blend(s1r15, HIGH2);
        // stage 4: the lanes of rows r and r + 4 that move, swapped into place by one permute
        FloatVector m4r0 = s2r4.blend(s2r0, HIGH4).rearrange(SWAP4);
        FloatVector s4r0 = s2r0.blend(m4r0, HIGH4);
        FloatVector s4r4 = m4r0.blend(s2r4, HIGH4);
        FloatVector m4r1 = s2r5.blend(s2r1, HIGH4).rearrange(SWAP4);
        FloatVector s4r1 = s2r1.blend(m4r1, HIGH4);
        FloatVector s4r5 = m4r1.blend(s2r5, HIGH4);
        FloatVector m4r2 = s2r6.blend(s2r2, HIGH4).rearrange(SWAP4);
        FloatVector s4r2 = s2r2.blend(m4r2, HIGH4);
        FloatVector s4r6 = m4r2.blend(s2r6, HIGH4);
        FloatVector m4r3 = s2r7.blend(s2r3, HIGH4).rearrange(SWAP4);
        FloatVector s4r3 = s2r3.blend(m4r3, HIGH4);
        FloatVector s4r7 = m4r3.blend(s2r7, HIGH4);
        FloatVector m4r8 = s2r12.blend(s2r8, HIGH4).rearrange(SWAP4);
        FloatVector s4r8 = s2r8.blend(m4r8, HIGH4);
        FloatVector s4r12 = m4r8.blend(s2r12, HIGH4);
        FloatVector m4r9 = s2r13.blend(s2r9, HIGH4).rearrange(SWAP4);
        FloatVector s4r9 = s2r9.blend(m4r9, HIGH4);
        FloatVector s4r13 = m4r9.blend(s2r13, HIGH4);
        FloatVector m4r10 = s2r14.blend(s2r10, HIGH4).rearrange(SWAP4);
        FloatVector s4r10 = s2r10.blend(m4r10, HIGH4);
        FloatVector s4r14 = m4r10.blend(s2r14, HIGH4);
        FloatVector m4r11 = s2r15.blend(s2r11, HIGH4).rearrange(SWAP4);
        FloatVector s4r11 = s2r11.blend(m4r11, HIGH4);
        FloatVector s4r15 = m4r11.blend(s2r15, HIGH4);
        // stage 8: the lanes of rows r and r + 8 that move, swapped into place by one permute
        FloatVector m8r0 = s4r8.blend(s4r0, HIGH8).rearrange(SWAP8);
        FloatVector s8r0 = s4r0.blend(m8r0, HIGH8);
        FloatVector s8r8 = m8r0.blend(s4r8, HIGH8);
        FloatVector m8r1 = s4r9.blend(s4r1, HIGH8).rearrange(SWAP8);
        FloatVector s8r1 = s4r1.blend(m8r1, HIGH8);
        FloatVector s8r9 = m8r1.blend(s4r9, HIGH8);
        FloatVector m8r2 = s4r10.blend(s4r2, HIGH8).rearrange(SWAP8);
        FloatVector s8r2 = s4r2.blend(m8r2, HIGH8);
        FloatVector s8r10 = m8r2.blend(s4r10, HIGH8);
        FloatVector m8r3 = s4r11.blend(s4r3, HIGH8).rearrange(SWAP8);
        FloatVector s8r3 = s4r3.blend(m8r3, HIGH8);
        FloatVector s8r11 = m8r3.blend(s4r11, HIGH8);
        FloatVector m8r4 = s4r12.blend(s4r4, HIGH8).rearrange(SWAP8);
        FloatVector s8r4 = s4r4.blend(m8r4, HIGH8);
        FloatVector s8r12 = m8r4.blend(s4r12, HIGH8);
        FloatVector m8r5 = s4r13.blend(s4r5, HIGH8).rearrange(SWAP8);
        FloatVector s8r5 = s4r5.blend(m8r5, HIGH8);
        FloatVector s8r13 = m8r5.blend(s4r13, HIGH8);
        FloatVector m8r6 = s4r14.blend(s4r6, HIGH8).rearrange(SWAP8);
        FloatVector s8r6 = s4r6.blend(m8r6, HIGH8);
        FloatVector s8r14 = m8r6.blend(s4r14, HIGH8);
        FloatVector m8r7 = s4r15.blend(s4r7, HIGH8).rearrange(SWAP8);
        FloatVector s8r7 = s4r7.blend(m8r7, HIGH8);
        FloatVector s8r15 = m8r7.blend(s4r15, HIGH8);
        s8r0.intoArray(dst, d + 0 * dstStride);
        s8r1.intoArray(dst, d + 1 * dstStride);
        s8r2.intoArray(dst, d + 2 * dstStride);
        s8r3.intoArray(dst, d + 3 * dstStride);
        s8r4.intoArray(dst, d + 4 * dstStride);
        s8r5.intoArray(dst, d + 5 * dstStride);
        s8r6.intoArray(dst, d + 6 * dstStride);
        s8r7.intoArray(dst, d + 7 * dstStride);
        s8r8.intoArray(dst, d + 8 * dstStride);
        s8r9.intoArray(dst, d + 9 * dstStride);
        s8r10.intoArray(dst, d + 10 * dstStride);
        s8r11.intoArray(dst, d + 11 * dstStride);
        s8r12.intoArray(dst, d + 12 * dstStride);
        s8r13.intoArray(dst, d + 13 * dstStride);
        s8r14.intoArray(dst, d + 14 * dstStride);
        s8r15.intoArray(dst, d + 15 * dstStride);
    }
}
