package dev.kiln.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreloadTest {

    /** An array of NaN, with 1 at the given indices: a read outside them makes the sum NaN. */
    private static float[] onesAt(int length, int... indices) {
        float[] a = new float[length];
        Arrays.fill(a, Float.NaN);
        for (int i : indices) {
            a[i] = 1f;
        }
        return a;
    }

    /** Indices {@code off + r·stride + c} for rows {@code r < rows} and columns {@code c = 0, 16, ... < cols}. */
    private static int[] lineStarts(int off, int stride, int rows, int cols) {
        int perRow = (cols + 15) / 16;
        int[] at = new int[rows * perRow];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < perRow; c++) {
                at[r * perRow + c] = off + r * stride + 16 * c;
            }
        }
        return at;
    }

    @Test
    void wholeRowsAreReadOnceInOneRunOneFloatPerCacheLine() {
        // 1,024 rows of 32 from 5, ending at the array's end: 2 reads per row
        float[] a = onesAt(5 + 1024 * 32, lineStarts(5, 32, 1024, 32));
        Preload p = new Preload();
        p.block(a, 5, 32, 1024, 32);
        assertEquals(2048f, p.sink);
    }

    @Test
    void aBlockOfPartRowsReadsEachRowsColumnsOnly() {
        // rows 40 apart, 20 columns from 3: each row is read at columns 0 and 16
        float[] a = onesAt(3 + 1023 * 40 + 20, lineStarts(3, 40, 1024, 20));
        Preload p = new Preload();
        p.block(a, 3, 40, 1024, 20);
        assertEquals(2048f, p.sink);
    }

    @Test
    void onlyAProductWhoseBIsAtLeastAnL2IsCold() {
        assertTrue(Preload.cold(2304, 128), "a part of the CNN's 9216→128 weights");
        assertTrue(Preload.cold(128, 2304), "a chunk of its input gradient's Wᵀ");
        assertFalse(Preload.cold(784, 144), "a 2-thread column chunk of the MLP's 784×512 weights");
        assertFalse(Preload.cold(512, 144), "of its 512×512 ones");
        assertFalse(Preload.cold(Preload.COLD_FLOATS - 1, 1));
    }

    @Test
    void aBlockSmallerThanL1IsNotRead() {
        float[] a = onesAt(Preload.MIN_FLOATS);
        Preload p = new Preload();
        p.block(a, 0, 16, Preload.MIN_FLOATS / 16 - 1, 16);
        assertEquals(0f, p.sink);
        p.block(a, 0, 16, Preload.MIN_FLOATS / 16, 16);
        assertEquals(Float.NaN, p.sink, "the smallest block preloaded is read");
    }

    @Test
    void aBlockLargerThanHalfTheL2IsNotRead() {
        float[] a = onesAt(Preload.MAX_FLOATS + 16);
        Preload p = new Preload();
        p.block(a, 0, 16, Preload.MAX_FLOATS / 16 + 1, 16);
        assertEquals(0f, p.sink);
        p.block(a, 0, 16, Preload.MAX_FLOATS / 16, 16);
        assertEquals(Float.NaN, p.sink, "the largest block preloaded is read");
    }
}
