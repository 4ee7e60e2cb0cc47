package dev.kiln.nn;

import dev.kiln.kernels.ScalarKernels;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward passes against central finite differences. The layers compute in float, so the
 * step is 1e-3: small enough that no ReLU input crosses its kink, large enough that float
 * rounding of the loss (~1e-7 relative) adds under 1e-4 to the difference quotient. The
 * tolerance, 1e-3 absolute plus 2% relative, is far tighter than any real gradient bug (wrong
 * sign, missing term, transposed index).
 */
class GradientCheckTest {

    private final Parallel parallel = new Parallel(2);
    private final Compute compute = new Compute(new ScalarKernels(), parallel);

    @AfterEach
    void close() {
        parallel.close();
    }

    @Test
    void mlpGradientsMatchFiniteDifferences() {
        int batch = 3, classes = 5;
        Network net = Network.build(compute, List.of(
                        LayerSpec.of("dense", "units", "7"),
                        LayerSpec.of("relu"),
                        LayerSpec.of("dense", "units", "6", "init", "xavier"),
                        LayerSpec.of("relu"),
                        LayerSpec.of("dense", "units", String.valueOf(classes)),
                        LayerSpec.of("softmax")),
                new int[] {1, 3, 3}, classes, 0.5, 0.25, 42);
        Random r = new Random(1);
        byte[] pixels = new byte[batch * 9];
        r.nextBytes(pixels);
        int[] labels = {0, 3, 4};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float[] grad = new float[batch * classes];

        float[] x = net.loadInput(pixels, null, 0, batch).clone();
        loss.lossAndGradient(net.logits(x, batch, true), labels, batch, classes, grad);
        net.backwardFromLogits(grad, batch);

        for (Parameter p : net.parameters()) {
            float[] analytic = p.grad().clone();
            for (int i = 0; i < p.size(); i++) {
                float saved = p.value()[i];
                float eps = 1e-3f;
                p.value()[i] = saved + eps;
                double up = loss.lossAndGradient(net.logits(x, batch, false), labels, batch, classes, new float[grad.length]);
                p.value()[i] = saved - eps;
                double down = loss.lossAndGradient(net.logits(x, batch, false), labels, batch, classes, new float[grad.length]);
                p.value()[i] = saved;
                double numeric = (up - down) / (2 * eps);
                assertNear(numeric, analytic[i], p.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void softmaxBackwardMatchesFiniteDifferences() {
        int batch = 2, n = 6;
        Softmax s = new Softmax(compute, new int[] {n});
        Random r = new Random(2);
        float[] x = new float[batch * n];
        float[] w = new float[batch * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
            w[i] = (float) r.nextGaussian();
        }
        // loss = sum(w · softmax(x)), so dLoss/dy = w
        s.forward(x, batch, true);
        float[] dx = s.backward(w, batch).clone();
        for (int i = 0; i < x.length; i++) {
            float saved = x[i];
            float eps = 1e-3f;
            x[i] = saved + eps;
            double up = dot(w, s.forward(x, batch, false));
            x[i] = saved - eps;
            double down = dot(w, s.forward(x, batch, false));
            x[i] = saved;
            assertNear((up - down) / (2 * eps), dx[i], "softmax dx[" + i + "]");
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static void assertNear(double numeric, double analytic, String what) {
        double tol = 1e-3 + 2e-2 * Math.abs(numeric);
        assertTrue(Math.abs(numeric - analytic) <= tol,
                what + ": finite difference " + numeric + " vs backward " + analytic);
    }
}
