package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import static dev.kiln.nn.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A dense layer with at least {@link Dense#SPLIT_IN} inputs computes its forward product in
 * {@link Dense#PARTS} fixed parts of the input features, added in part order: the same bits at
 * any thread count, and each output the sum of the parts' chains.
 */
class WideDenseTest {

    private static final int IN = Dense.SPLIT_IN + 37;
    private static final int OUT = 19;
    private static final int BATCH = 5;

    /** The layer's forward output on a pool of {@code threads}, parameters and input from fixed seeds. */
    private static float[] forward(int threads) {
        try (Parallel parallel = new Parallel(threads)) {
            Dense d = layer(new Compute(KernelProvider.get(), parallel));
            return d.forward(gaussian(BATCH * IN, 3), BATCH, true).clone();
        }
    }

    private static Dense layer(Compute compute) {
        Dense d = new Dense(compute, "dense", IN, OUT, true);
        System.arraycopy(gaussian(IN * OUT, 1), 0, d.weight().value(), 0, IN * OUT);
        System.arraycopy(gaussian(OUT, 2), 0, d.bias().value(), 0, OUT);
        return d;
    }

    @Test
    void eachOutputIsThePartsProductsAddedInOrderThenTheBias() {
        float[] y = forward(2);
        Kernels k = KernelProvider.get();
        float[] x = gaussian(BATCH * IN, 3);
        float[] w = gaussian(IN * OUT, 1);
        float[] b = gaussian(OUT, 2);
        float[] sum = new float[BATCH * OUT];
        float[] part = new float[BATCH * OUT];
        for (int p = 0; p < Dense.PARTS; p++) {
            int k0 = (int) ((long) p * IN / Dense.PARTS);
            int k1 = (int) ((long) (p + 1) * IN / Dense.PARTS);
            k.gemm(false, false, 0, BATCH, OUT, k1 - k0, x, k0, IN, w, k0 * OUT, OUT, part, 0, OUT, false);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += part[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += b[i % OUT];
        }
        assertArrayEquals(sum, y);
    }

    @Test
    void theOutputsBitsDoNotDependOnTheThreadCount() {
        float[] one = forward(1);
        assertArrayEquals(one, forward(2));
        assertArrayEquals(one, forward(3));
    }

    @Test
    void theOutputIsTheProductWithinRounding() {
        float[] y = forward(2);
        float[] x = gaussian(BATCH * IN, 3);
        float[] w = gaussian(IN * OUT, 1);
        float[] b = gaussian(OUT, 2);
        for (int r = 0; r < BATCH; r++) {
            for (int j = 0; j < OUT; j++) {
                double s = b[j];
                for (int i = 0; i < IN; i++) {
                    s += (double) x[r * IN + i] * w[i * OUT + j];
                }
                assertEquals(s, y[r * OUT + j], 1e-3, "row " + r + ", output " + j);
            }
        }
    }

    @Test
    void onlyAWideLayerKeepsPartialSums() {
        Compute compute = new Compute(KernelProvider.get(), new Parallel(1));
        assertEquals((long) Dense.PARTS * 64 * OUT, new Dense(compute, "wide", IN, OUT, true).forwardScratchFloats(64));
        assertEquals(0, new Dense(compute, "narrow", Dense.SPLIT_IN - 1, OUT, true).forwardScratchFloats(64));
        compute.parallel().close();
    }
}
