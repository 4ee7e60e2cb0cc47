package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes a 16×16 block of floats in registers, for packing a transposed operand of
 * {@link PackedGemm} with whole-vector loads and stores, where the packing otherwise scattered or
 * gathered every element (the input gradient's {@code Wᵀ}, a convolution's {@code dYᵀ}).
 *
 * <p>Four stages, one per bit of the lane index: stage {@code s} (1, 2, 4, 8) exchanges, between
 * rows {@code r} and {@code r + s} ({@code r} without bit {@code s}), the lanes with bit {@code s}
 * of {@code r + s} and those without it of {@code r}: a permute and a blend for each of the two
 * rows. After the four the element of row {@code i}, lane {@code j} is at row {@code j}, lane
 * {@code i}. The stages are written out so that the 16 rows stay in registers.
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

    private static final VectorShuffle<Float> UP1 = VectorShuffle.fromArray(F, up(1), 0);
    private static final VectorShuffle<Float> DOWN1 = VectorShuffle.fromArray(F, down(1), 0);
    private static final VectorMask<Float> HIGH1 = VectorMask.fromArray(F, high(1), 0);
    private static final VectorShuffle<Float> UP2 = VectorShuffle.fromArray(F, up(2), 0);
    private static final VectorShuffle<Float> DOWN2 = VectorShuffle.fromArray(F, down(2), 0);
    private static final VectorMask<Float> HIGH2 = VectorMask.fromArray(F, high(2), 0);
    private static final VectorShuffle<Float> UP4 = VectorShuffle.fromArray(F, up(4), 0);
    private static final VectorShuffle<Float> DOWN4 = VectorShuffle.fromArray(F, down(4), 0);
    private static final VectorMask<Float> HIGH4 = VectorMask.fromArray(F, high(4), 0);
    private static final VectorShuffle<Float> UP8 = VectorShuffle.fromArray(F, up(8), 0);
    private static final VectorShuffle<Float> DOWN8 = VectorShuffle.fromArray(F, down(8), 0);
    private static final VectorMask<Float> HIGH8 = VectorMask.fromArray(F, high(8), 0);

    private Transpose16() {
    }

    /** Lane {@code l} with bit {@code s} takes lane {@code l - s}: the lower partner moved up. */
    private static int[] up(int s) {
        int[] idx = new int[N];
        for (int l = 0; l < N; l++) {
            idx[l] = (l & s) != 0 ? l - s : l;
        }
        return idx;
    }

    /** Lane {@code l} without bit {@code s} takes lane {@code l + s}: the upper partner moved down. */
    private static int[] down(int s) {
        int[] idx = new int[N];
        for (int l = 0; l < N; l++) {
            idx[l] = (l & s) != 0 ? l : l + s;
        }
        return idx;
    }

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
        // stage 1: rows r and r + 1 exchange the lanes with bit 1
        FloatVector s1r0 = r0.blend(r1.rearrange(UP1), HIGH1);
        FloatVector s1r1 = r0.rearrange(DOWN1).blend(r1, HIGH1);
        FloatVector s1r2 = r2.blend(r3.rearrange(UP1), HIGH1);
        FloatVector s1r3 = r2.rearrange(DOWN1).blend(r3, HIGH1);
        FloatVector s1r4 = r4.blend(r5.rearrange(UP1), HIGH1);
        FloatVector s1r5 = r4.rearrange(DOWN1).blend(r5, HIGH1);
        FloatVector s1r6 = r6.blend(r7.rearrange(UP1), HIGH1);
        FloatVector s1r7 = r6.rearrange(DOWN1).blend(r7, HIGH1);
        FloatVector s1r8 = r8.blend(r9.rearrange(UP1), HIGH1);
        FloatVector s1r9 = r8.rearrange(DOWN1).blend(r9, HIGH1);
        FloatVector s1r10 = r10.blend(r11.rearrange(UP1), HIGH1);
        FloatVector s1r11 = r10.rearrange(DOWN1).blend(r11, HIGH1);
        FloatVector s1r12 = r12.blend(r13.rearrange(UP1), HIGH1);
        FloatVector s1r13 = r12.rearrange(DOWN1).blend(r13, HIGH1);
        FloatVector s1r14 = r14.blend(r15.rearrange(UP1), HIGH1);
        FloatVector s1r15 = r14.rearrange(DOWN1).blend(r15, HIGH1);
        // stage 2: rows r and r + 2 exchange the lanes with bit 2
        FloatVector s2r0 = s1r0.blend(s1r2.rearrange(UP2), HIGH2);
        FloatVector s2r2 = s1r0.rearrange(DOWN2).blend(s1r2, HIGH2);
        FloatVector s2r1 = s1r1.blend(s1r3.rearrange(UP2), HIGH2);
        FloatVector s2r3 = s1r1.rearrange(DOWN2).blend(s1r3, HIGH2);
        FloatVector s2r4 = s1r4.blend(s1r6.rearrange(UP2), HIGH2);
        FloatVector s2r6 = s1r4.rearrange(DOWN2).blend(s1r6, HIGH2);
        FloatVector s2r5 = s1r5.blend(s1r7.rearrange(UP2), HIGH2);
        FloatVector s2r7 = s1r5.rearrange(DOWN2).blend(s1r7, HIGH2);
        FloatVector s2r8 = s1r8.blend(s1r10.rearrange(UP2), HIGH2);
        FloatVector s2r10 = s1r8.rearrange(DOWN2).blend(s1r10, HIGH2);
        FloatVector s2r9 = s1r9.blend(s1r11.rearrange(UP2), HIGH2);
        FloatVector s2r11 = s1r9.rearrange(DOWN2).blend(s1r11, HIGH2);
        FloatVector s2r12 = s1r12.blend(s1r14.rearrange(UP2), HIGH2);
        FloatVector s2r14 = s1r12.rearrange(DOWN2).blend(s1r14, HIGH2);
        FloatVector s2r13 = s1r13.blend(s1r15.rearrange(UP2), HIGH2);
        FloatVector s2r15 = s1r13.rearrange(DOWN2).blend(s1r15, HIGH2);
        // stage 4: rows r and r + 4 exchange the lanes with bit 4
        FloatVector s4r0 = s2r0.blend(s2r4.rearrange(UP4), HIGH4);
        FloatVector s4r4 = s2r0.rearrange(DOWN4).blend(s2r4, HIGH4);
        FloatVector s4r1 = s2r1.blend(s2r5.rearrange(UP4), HIGH4);
        FloatVector s4r5 = s2r1.rearrange(DOWN4).blend(s2r5, HIGH4);
        FloatVector s4r2 = s2r2.blend(s2r6.rearrange(UP4), HIGH4);
        FloatVector s4r6 = s2r2.rearrange(DOWN4).blend(s2r6, HIGH4);
        FloatVector s4r3 = s2r3.blend(s2r7.rearrange(UP4), HIGH4);
        FloatVector s4r7 = s2r3.rearrange(DOWN4).blend(s2r7, HIGH4);
        FloatVector s4r8 = s2r8.blend(s2r12.rearrange(UP4), HIGH4);
        FloatVector s4r12 = s2r8.rearrange(DOWN4).blend(s2r12, HIGH4);
        FloatVector s4r9 = s2r9.blend(s2r13.rearrange(UP4), HIGH4);
        FloatVector s4r13 = s2r9.rearrange(DOWN4).blend(s2r13, HIGH4);
        FloatVector s4r10 = s2r10.blend(s2r14.rearrange(UP4), HIGH4);
        FloatVector s4r14 = s2r10.rearrange(DOWN4).blend(s2r14, HIGH4);
        FloatVector s4r11 = s2r11.blend(s2r15.rearrange(UP4), HIGH4);
        FloatVector s4r15 = s2r11.rearrange(DOWN4).blend(s2r15, HIGH4);
        // stage 8: rows r and r + 8 exchange the lanes with bit 8
        FloatVector s8r0 = s4r0.blend(s4r8.rearrange(UP8), HIGH8);
        FloatVector s8r8 = s4r0.rearrange(DOWN8).blend(s4r8, HIGH8);
        FloatVector s8r1 = s4r1.blend(s4r9.rearrange(UP8), HIGH8);
        FloatVector s8r9 = s4r1.rearrange(DOWN8).blend(s4r9, HIGH8);
        FloatVector s8r2 = s4r2.blend(s4r10.rearrange(UP8), HIGH8);
        FloatVector s8r10 = s4r2.rearrange(DOWN8).blend(s4r10, HIGH8);
        FloatVector s8r3 = s4r3.blend(s4r11.rearrange(UP8), HIGH8);
        FloatVector s8r11 = s4r3.rearrange(DOWN8).blend(s4r11, HIGH8);
        FloatVector s8r4 = s4r4.blend(s4r12.rearrange(UP8), HIGH8);
        FloatVector s8r12 = s4r4.rearrange(DOWN8).blend(s4r12, HIGH8);
        FloatVector s8r5 = s4r5.blend(s4r13.rearrange(UP8), HIGH8);
        FloatVector s8r13 = s4r5.rearrange(DOWN8).blend(s4r13, HIGH8);
        FloatVector s8r6 = s4r6.blend(s4r14.rearrange(UP8), HIGH8);
        FloatVector s8r14 = s4r6.rearrange(DOWN8).blend(s4r14, HIGH8);
        FloatVector s8r7 = s4r7.blend(s4r15.rearrange(UP8), HIGH8);
        FloatVector s8r15 = s4r7.rearrange(DOWN8).blend(s4r15, HIGH8);
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
