package dev.kiln.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Transpose16Test {

    /**
     * Every element lands at its transposed place, at offsets and strides like the packing's (a
     * strip 48 wide, rows 512 and 576 floats apart), and nothing outside the 16×16 destination
     * block is written.
     */
    @Test
    void blockIsTheTransposeAndTouchesNothingElse() {
        for (int srcStride : new int[] {16, 37, 512, 576}) {
            for (int dstStride : new int[] {16, 48, 53}) {
                int s = 5;
                int d = 3;
                float[] src = new float[s + 15 * srcStride + 16 + 7];
                for (int i = 0; i < src.length; i++) {
                    src[i] = i + 0.5f;
                }
                float[] dst = new float[d + 15 * dstStride + 16 + 9];
                java.util.Arrays.fill(dst, -1f);
                Transpose16.block(src, s, srcStride, dst, d, dstStride);
                for (int k = 0; k < dst.length; k++) {
                    int rel = k - d;
                    int j = Math.floorDiv(rel, dstStride);
                    int i = Math.floorMod(rel, dstStride);
                    boolean inside = rel >= 0 && j < 16 && i < 16;
                    float expected = inside ? src[s + i * srcStride + j] : -1f;
                    assertEquals(expected, dst[k], "dst[" + k + "], strides " + srcStride + "/" + dstStride);
                }
            }
        }
    }
}
