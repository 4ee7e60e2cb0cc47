package dev.kiln.nn;

import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.SpecException;
import dev.kiln.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dropout and batch norm layers do in training and at inference, and their spec checks. */
class RegularizationLayersTest {

    private final Parallel one = new Parallel(1);
    private final Parallel five = new Parallel(5);

    @AfterEach
    void close() {
        one.close();
        five.close();
    }

    private Compute compute(Parallel p) {
        return new Compute(KernelProvider.get(), p);
    }

    private static float[] random(int n, long seed) {
        return RandomArrays.gaussian(n, seed);
    }

    @Test
    void dropoutMaskDependsOnStepNotOnThreads() {
        int batch = 64, features = 300;
        float[] x = random(batch * features, 1);
        Dropout a = new Dropout(compute(one), new int[] {features}, 0.25, 42, 3);
        Dropout b = new Dropout(compute(five), new int[] {features}, 0.25, 42, 3);
        Dropout scalar = new Dropout(new Compute(new ScalarKernels(), five), new int[] {features}, 0.25, 42, 3);
        a.setStep(9);
        b.setStep(9);
        scalar.setStep(9);
        float[] ya = a.forward(x, batch, true).clone();
        assertArrayEquals(ya, b.forward(x, batch, true), "1 vs 5 threads");
        assertArrayEquals(ya, scalar.forward(x, batch, true), "vector vs scalar");
        a.setStep(10);
        assertFalse(Arrays.equals(ya, a.forward(x, batch, true)), "next step, next mask");
        Dropout otherLayer = new Dropout(compute(one), new int[] {features}, 0.25, 42, 4);
        otherLayer.setStep(9);
        assertFalse(Arrays.equals(ya, otherLayer.forward(x, batch, true)), "another layer, another mask");

        double sumIn = 0, sumOut = 0;
        for (int i = 0; i < x.length; i++) {
            sumIn += Math.abs(x[i]);
            sumOut += Math.abs(ya[i]);
        }
        assertEquals(1, sumOut / sumIn, 0.03, "inverted scaling keeps the expected magnitude");
        assertSame(x, a.forward(x, batch, false), "identity at inference");
    }

    @Test
    void dropConnectIsDenseAtInferenceAndMasksWeightsInTraining() {
        Compute c = compute(five);
        DropConnect dc = new DropConnect(c, "dc", 20, 7, true, 0.5, 1, 2);
        Dense d = new Dense(c, "d", 20, 7, true);
        float[] w = random(140, 2);
        System.arraycopy(w, 0, dc.weight().value(), 0, 140);
        System.arraycopy(w, 0, d.weight().value(), 0, 140);
        float[] x = random(5 * 20, 3);
        float[] dense = d.forward(x, 5, false).clone();
        assertArrayEquals(dense, dc.forward(x, 5, false), "inference is dense");
        dc.setStep(0);
        float[] train = dc.forward(x, 5, true).clone();
        assertFalse(Arrays.equals(dense, train));
        float[] gy = random(5 * 7, 4);
        dc.backward(gy, 5);
        int zeros = 0;
        for (float g : dc.weight().grad()) {
            zeros += g == 0f ? 1 : 0;
        }
        assertTrue(zeros > 40 && zeros < 100, "about half the weights get no gradient: " + zeros);
        assertArrayEquals(w, dc.weight().value(), "the stored weights are never masked");
    }

    @Test
    void batchNormUpdatesRunningStatisticsLikePyTorchAndUsesThemAtInference() {
        int batch = 4, f = 3;
        BatchNorm bn = new BatchNorm(compute(five), "bn", new int[] {f}, 0.1f, 1e-5f, true);
        float[] x = random(batch * f, 5);
        float[] y = bn.forward(x, batch, true).clone();
        for (int j = 0; j < f; j++) {
            double m = 0, v = 0, ym = 0, yv = 0;
            for (int r = 0; r < batch; r++) {
                m += x[r * f + j] / (double) batch;
                ym += y[r * f + j] / (double) batch;
            }
            for (int r = 0; r < batch; r++) {
                v += Math.pow(x[r * f + j] - m, 2);
                yv += Math.pow(y[r * f + j] - ym, 2) / batch;
            }
            assertEquals(0, ym, 1e-6, "normalized mean");
            assertEquals(1, yv, 1e-3, "normalized biased variance");
            assertEquals(0.1 * m, bn.runningMean().value()[j], 1e-6, "running mean");
            assertEquals(0.9 + 0.1 * v / (batch - 1), bn.runningVar().value()[j], 1e-6, "running var is unbiased");
        }
        float[] inf = bn.forward(x, batch, false);
        for (int i = 0; i < x.length; i++) {
            int j = i % f;
            double expected = (x[i] - bn.runningMean().value()[j]) / Math.sqrt(bn.runningVar().value()[j] + 1e-5);
            assertEquals(expected, inf[i], 1e-5, "inference uses running statistics");
        }
        assertEquals(List.of(bn.gamma(), bn.beta()), bn.parameters());
        assertEquals(List.of(bn.runningMean(), bn.runningVar()), bn.state());
    }

    @Test
    void trainerAdvancesTheStepEveryBatchAndOptimizerLeavesStateAlone() {
        Network net = Network.build(compute(one), List.of(LayerSpec.of("batchNorm"), LayerSpec.of("dropout", "rate", "0.5"),
                LayerSpec.of("dense", "units", "3"), LayerSpec.of("softmax")), new int[] {1, 2, 2}, 3, 0.5, 0.25, 1);
        int count = 10;
        byte[] pixels = new byte[count * 4];
        new Random(6).nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 3);
        }
        ImageSet set = new ImageSet("test", count, 2, 2, pixels, labels);
        Optimizer opt = Optimizer.create(OptimizerSpec.sgd(), net.parameters(), compute(one));
        assertTrue(net.parameters().stream().noneMatch(p -> net.state().contains(p)));
        Trainer trainer = new Trainer(net, opt, 4, 1);
        trainer.trainEpoch(set, 2);
        // epoch 2 of 3 batches per epoch: steps 3, 4, 5
        assertEquals(5, ((Dropout) net.layers().get(1)).step());
        BatchNorm bn = (BatchNorm) net.layers().get(0);
        assertTrue(bn.runningMean().value()[0] != 0f, "training forwards moved the running mean");
    }

    @Test
    void badParametersNameTheElement() {
        Compute c = compute(one);
        String[][] bad = {
                {"dropout"}, {"dropout", "rate", "1"}, {"dropout", "rate", "-0.1"}, {"dropout", "rate", "x"},
                {"dropConnect", "units", "5"}, {"dropConnect", "rate", "0.5"}, {"leakyRelu", "alpha", "NaN"},
                {"batchNorm", "momentum", "1.5"}, {"batchNorm", "epsilon", "0"}, {"tanh", "alpha", "1"}};
        String[] field = {"rate", "rate", "rate", "rate", "rate", "units", "alpha", "momentum", "epsilon", "alpha"};
        for (int i = 0; i < bad.length; i++) {
            String[] kv = Arrays.copyOfRange(bad[i], 1, bad[i].length);
            LayerSpec spec = LayerSpec.of(bad[i][0], kv);
            SpecException e = assertThrows(SpecException.class, () -> Network.build(c,
                    List.of(spec, LayerSpec.of("dense", "units", "3"), LayerSpec.of("softmax")),
                    new int[] {1, 2, 2}, 3, 0, 1, 1), Arrays.toString(bad[i]));
            assertEquals("layers[0]." + field[i], e.field(), Arrays.toString(bad[i]) + ": " + e.getMessage());
        }
    }
}
