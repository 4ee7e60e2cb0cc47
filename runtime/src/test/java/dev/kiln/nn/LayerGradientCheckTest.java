package dev.kiln.nn;

import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.VectorKernels;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward passes of the activation, dropout and normalization layers against central finite
 * differences of {@code loss = Σ w·forward(x)} for a random {@code w}, in training mode. Dropout
 * and dropConnect get a fixed step, so their mask stays the same while the inputs are nudged.
 * Same step and tolerance reasoning as {@link GradientCheckTest}; inputs of leakyRelu keep clear
 * of its kink. Each layer is checked with the scalar and the vector kernels.
 */
class LayerGradientCheckTest {

    private static final float EPS = 1e-3f;

    private final Parallel parallel = new Parallel(3);
    private final List<Compute> computes = List.of(new Compute(new ScalarKernels(), parallel),
            new Compute(new VectorKernels(), parallel));

    @AfterEach
    void close() {
        parallel.close();
    }

    @Test
    void leakyRelu() {
        for (float alpha : new float[] {0.01f, 0.2f, -0.5f}) {
            checkAll(c -> new LeakyRelu(c, new int[] {2, 3, 3}, alpha), 3, 18, true, "leakyRelu " + alpha);
        }
    }

    @Test
    void tanh() {
        checkAll(c -> new Tanh(c, new int[] {7}), 4, 7, false, "tanh");
    }

    @Test
    void sigmoid() {
        checkAll(c -> new Sigmoid(c, new int[] {7}), 4, 7, false, "sigmoid");
    }

    @Test
    void dropout() {
        checkAll(c -> new Dropout(c, new int[] {11}, 0.4, 42, 2), 5, 11, false, "dropout");
    }

    @Test
    void dropConnect() {
        checkAll(c -> {
            DropConnect d = new DropConnect(c, "dc", 6, 5, true, 0.5, 42, 3);
            fill(d.weight().value(), new Random(9));
            fill(d.bias().value(), new Random(10));
            return d;
        }, 4, 6, false, "dropConnect");
    }

    @Test
    void batchNormOverFeatures() {
        checkAll(c -> affine(new BatchNorm(c, "bn", new int[] {5}, 0.1f, 1e-5f, true)), 4, 5, false,
                "batchNorm {5}");
    }

    @Test
    void batchNormOverChannels() {
        checkAll(c -> affine(new BatchNorm(c, "bn", new int[] {2, 3, 3}, 0.1f, 1e-5f, true)), 3, 18, false,
                "batchNorm {2,3,3}");
    }

    @Test
    void batchNormWithFrozenStatisticsAtInference() {
        for (Compute c : computes) {
            BatchNorm bn = affine(new BatchNorm(c, "bn", new int[] {2, 3, 3}, 0.1f, 1e-5f, true));
            fill(bn.runningMean().value(), new Random(3));
            for (int i = 0; i < 2; i++) {
                bn.runningVar().value()[i] = 0.5f + i;
            }
            check(bn, 3, 18, false, false, "frozen batchNorm " + c.kernels().name());
        }
    }

    /** Random gamma and beta, so their gradients are not checked only at the trivial start. */
    private static BatchNorm affine(BatchNorm bn) {
        Random r = new Random(8);
        for (int i = 0; i < bn.channels(); i++) {
            bn.gamma().value()[i] = 0.5f + r.nextFloat();
            bn.beta().value()[i] = r.nextFloat() - 0.5f;
        }
        return bn;
    }

    private void checkAll(Function<Compute, Layer> make, int batch, int features, boolean avoidZero, String what) {
        for (Compute c : computes) {
            check(make.apply(c), batch, features, avoidZero, true, what + " (" + c.kernels().name() + ")");
        }
    }

    private static void check(Layer l, int batch, int features, boolean avoidZero, boolean training, String what) {
        Random r = new Random(what.hashCode());
        float[] x = new float[batch * features];
        for (int i = 0; i < x.length; i++) {
            float v = (float) r.nextGaussian();
            x[i] = avoidZero && Math.abs(v) < 0.05f ? v + Math.copySign(0.1f, v) : v;
        }
        l.setStep(7);
        float[] y = l.forward(x, batch, training);
        float[] w = new float[batch * Layer.size(l.outputShape())];
        fill(w, r);
        float[] dx = l.backward(w, batch).clone();
        List<float[]> grads = new ArrayList<>();
        for (Parameter p : l.parameters()) {
            grads.add(p.grad().clone());
        }
        assertTrue(y.length >= w.length);

        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            x[i] = saved + EPS;
            double up = dot(w, l.forward(x, batch, training));
            x[i] = saved - EPS;
            double down = dot(w, l.forward(x, batch, training));
            x[i] = saved;
            assertNear((up - down) / (2 * EPS), dx[i], what + " dx[" + i + "]");
        }
        for (int k = 0; k < l.parameters().size(); k++) {
            Parameter p = l.parameters().get(k);
            for (int i = 0; i < p.size(); i++) {
                float saved = p.value()[i];
                p.value()[i] = saved + EPS;
                double up = dot(w, l.forward(x, batch, training));
                p.value()[i] = saved - EPS;
                double down = dot(w, l.forward(x, batch, training));
                p.value()[i] = saved;
                assertNear((up - down) / (2 * EPS), grads.get(k)[i], what + " " + p.name() + "[" + i + "]");
            }
        }
    }

    private static void fill(float[] a, Random r) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
    }

    private static double dot(float[] w, float[] y) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (double) w[i] * y[i];
        }
        return s;
    }

    private static void assertNear(double numeric, double analytic, String what) {
        double tol = 1e-3 + 2e-2 * Math.abs(numeric);
        assertTrue(Math.abs(numeric - analytic) <= tol,
                what + ": finite difference " + numeric + " vs backward " + analytic);
    }
}
