package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Compute#gemmSumUnfolded}, a convolution's weight gradient over a batch: bit for bit,
 * each fixed group of {@link UnfoldedGemmSum#GROUP} samples unfolded and accumulated in order,
 * then the groups' sums added in group order, at 1, 2 and 3 threads; for batches inside one
 * group, across several and with a partial last group, padded and strided windows included,
 * and shapes whose products are computed transposed ({@link UnfoldedGemmSum#swaps}).
 */
class UnfoldedGemmSumTest {

    @ParameterizedTest
    @CsvSource({"64,32,26,26,1,0,20", "32,1,28,28,1,0,17", "16,12,11,13,2,1,3", "8,3,9,9,1,1,8",
        // computed transposed (UnfoldedGemmSum.swaps): strided, and padded with a partial strip
        "50,6,11,13,2,1,9", "48,8,10,10,1,1,11"})
    void groupsOfSamplesAccumulatedThenAddedInOrder(int filters, int channels, int h, int w, int stride, int pad,
                                                    int items) {
        Window2d g = new Window2d(channels, h, w, 3, 3, stride, stride, pad, pad, pad, pad);
        int kk = g.colRows();
        int p = g.outPlane();
        int in = channels * h * w;
        int size = filters * kk;
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(filters * 31L + channels + items);
            float[] dy = RandomArrays.gaussian(r, items * filters * p);
            float[] x = RandomArrays.gaussian(r, items * in);
            float[] col = new float[kk * p];
            float[] group = new float[size];
            float[] expected = new float[size];
            for (int first = 0; first < items; first += UnfoldedGemmSum.GROUP) {
                int end = Math.min(items, first + UnfoldedGemmSum.GROUP);
                for (int i = first; i < end; i++) {
                    kernels.im2col(x, i * in, g, col, 0);
                    kernels.gemm(false, true, 0, filters, kk, p, dy, i * filters * p, p, col, 0, p, group, 0, kk,
                            i > first);
                }
                for (int j = 0; j < size; j++) {
                    expected[j] += group[j];
                }
            }
            for (int threads : new int[] {1, 2, 3}) {
                float[] c = RandomArrays.gaussian(r, size);
                try (Parallel par = new Parallel(threads)) {
                    new Compute(kernels, par).gemmSumUnfolded(true, filters, kk, p, dy, p, filters * p, x, in, g,
                            items, c, null);
                }
                assertArrayEquals(expected, c, kernels.name() + " " + g + " x" + items + " threads=" + threads);
            }
        }
    }

    /**
     * With row sums asked for (a convolution's bias gradient), each row of each sample's
     * {@code dY} summed by {@link Kernels#sum}, then added over the samples in sample order: bit
     * for bit at 1, 2 and 3 threads, transposed products and a partial last group included; the
     * weight gradient is the same as without them.
     */
    @ParameterizedTest
    @CsvSource({"64,32,26,26,20", "32,1,28,28,17", "8,3,9,9,8"})
    void rowSumsArePerSampleSumsAddedInSampleOrder(int filters, int channels, int h, int w, int items) {
        Window2d g = new Window2d(channels, h, w, 3, 3, 1, 1, 0, 0, 0, 0);
        int kk = g.colRows();
        int p = g.outPlane();
        int in = channels * h * w;
        for (Kernels kernels : new Kernels[] {KernelProvider.get(), new ScalarKernels()}) {
            Random r = new Random(filters * 7L + items);
            float[] dy = RandomArrays.gaussian(r, items * filters * p);
            float[] x = RandomArrays.gaussian(r, items * in);
            float[] expected = new float[filters];
            for (int i = 0; i < items; i++) {
                for (int f = 0; f < filters; f++) {
                    int row = (i * filters + f) * p;
                    expected[f] += kernels.sum(dy, row, row + p);
                }
            }
            float[] without = new float[filters * kk];
            try (Parallel par = new Parallel(1)) {
                new Compute(kernels, par).gemmSumUnfolded(true, filters, kk, p, dy, p, filters * p, x, in, g, items,
                        without, null);
            }
            for (int threads : new int[] {1, 2, 3}) {
                float[] c = new float[filters * kk];
                float[] sums = RandomArrays.gaussian(r, filters);
                try (Parallel par = new Parallel(threads)) {
                    new Compute(kernels, par).gemmSumUnfolded(true, filters, kk, p, dy, p, filters * p, x, in, g,
                            items, c, sums);
                }
                assertArrayEquals(expected, sums, kernels.name() + " x" + items + " threads=" + threads);
                assertArrayEquals(without, c, "the weight gradient, threads=" + threads);
            }
        }
    }

    /** The transposed cases above are computed transposed, the CNN example's second convolution too; its first is not. */
    @Test
    void weightGradientsWithMoreOffsetsThanFiltersAreComputedTransposed() {
        Kernels kernels = KernelProvider.get();
        assertTrue(UnfoldedGemmSum.swaps(kernels, true, 64, 288), "32→64 3×3");
        assertTrue(UnfoldedGemmSum.swaps(kernels, true, 50, 54));
        assertTrue(UnfoldedGemmSum.swaps(kernels, true, 48, 72));
        assertFalse(UnfoldedGemmSum.swaps(kernels, true, 32, 9), "1→32 3×3: more filters than offsets");
        assertFalse(UnfoldedGemmSum.swaps(kernels, true, 16, 108), "too few filters for a packed strip");
        assertFalse(UnfoldedGemmSum.swaps(kernels, false, 64, 288), "not a weight gradient");
    }
}
