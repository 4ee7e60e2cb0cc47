package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward passes of the image layers against central finite differences, with the step and
 * tolerance of {@link GradientCheckTest} (float layers, step 1e-3, 1e-3 absolute + 2% relative).
 * Each single-layer check uses the loss {@code sum(w · layer(x))} for fixed random {@code w}, so
 * {@code dLoss/dy = w}; the loss is summed in double so its own rounding stays far below the
 * tolerance. Inputs are Gaussian, so a max-pooling tie within the step is vanishingly unlikely
 * (and the seeds are fixed).
 */
class ConvGradientCheckTest {

    private final Parallel parallel = new Parallel(2);
    private final Compute compute = new Compute(new ScalarKernels(), parallel);

    @AfterEach
    void close() {
        parallel.close();
    }

    @Test
    void conv2dGradients() {
        int[] odd = {2, 7, 5};
        check(LayerSpec.of("conv2d", "filters", "3", "kernel", "3x2"), odd);
        check(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "stride", "2", "padding", "same"), odd);
        check(LayerSpec.of("conv2d", "filters", "2", "kernel", "3x2", "padding", "1x2", "init", "xavier"), odd);
        check(LayerSpec.of("conv2d", "filters", "4", "kernel", "2x3", "stride", "2x1", "padding", "same"), new int[] {3, 6, 7});
        check(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "stride", "3x2", "padding", "2", "bias", "false"), odd);
        check(LayerSpec.of("conv2d", "filters", "3", "kernel", "1"), new int[] {4, 3, 3});
        // 8·3·3 = 72 and 11·3·3 = 99 im2col rows: the weight gradient in one strip and in strips
        check(LayerSpec.of("conv2d", "filters", "5", "kernel", "3", "stride", "2", "padding", "same"), new int[] {8, 7, 6});
        check(LayerSpec.of("conv2d", "filters", "3", "kernel", "3x4", "padding", "1x2", "bias", "false"), new int[] {6, 5, 6});
        check(LayerSpec.of("conv2d", "filters", "3", "kernel", "3"), new int[] {11, 6, 5});
    }

    @Test
    void poolingGradients() {
        int[] odd = {2, 7, 5};
        for (String type : new String[] {"maxPool2d", "avgPool2d"}) {
            check(LayerSpec.of(type, "size", "2"), odd);
            check(LayerSpec.of(type, "size", "3", "stride", "2", "padding", "same"), odd);
            check(LayerSpec.of(type, "size", "3x2", "stride", "1", "padding", "1"), odd);
            check(LayerSpec.of(type, "size", "2x3", "stride", "2x1", "padding", "1x2"), new int[] {3, 6, 7});
        }
        check(LayerSpec.of("globalAvgPool"), odd);
        check(LayerSpec.of("flatten"), odd);
    }

    /** Checks the input gradient and every parameter gradient of one layer built from {@code spec}. */
    private void check(LayerSpec spec, int[] inShape) {
        int batch = 2;
        Layer layer = LayerFactory.create(compute, spec, 1, inShape, false, 42);
        Random r = new Random(spec.hashCode());
        // Biases start at zero; make them random so their use in the forward pass is checked too.
        for (Parameter p : layer.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) r.nextGaussian() * 0.5f;
            }
        }
        int in = batch * Layer.size(inShape);
        int out = batch * Layer.size(layer.outputShape());
        float[] x = new float[in];
        float[] w = new float[out];
        for (int i = 0; i < in; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < out; i++) {
            w[i] = (float) r.nextGaussian();
        }
        layer.forward(x, batch, true);
        float[] dx = layer.backward(w, batch).clone();
        String what = spec + " on " + Arrays.toString(inShape);
        for (int i = 0; i < in; i++) {
            float saved = x[i];
            x[i] = saved + EPS;
            double up = dot(w, layer.forward(x, batch, false), out);
            x[i] = saved - EPS;
            double down = dot(w, layer.forward(x, batch, false), out);
            x[i] = saved;
            assertNear((up - down) / (2 * EPS), dx[i], what + " dx[" + i + "]");
        }
        layer.forward(x, batch, true);
        layer.backward(w, batch);
        for (Parameter p : layer.parameters()) {
            float[] analytic = p.grad().clone();
            for (int i = 0; i < p.size(); i++) {
                float saved = p.value()[i];
                p.value()[i] = saved + EPS;
                double up = dot(w, layer.forward(x, batch, false), out);
                p.value()[i] = saved - EPS;
                double down = dot(w, layer.forward(x, batch, false), out);
                p.value()[i] = saved;
                assertNear((up - down) / (2 * EPS), analytic[i], what + " " + p.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void cnnGradientsThroughTheNetwork() {
        networkCheck(List.of(
                LayerSpec.of("conv2d", "filters", "3", "kernel", "3", "stride", "2", "padding", "same"),
                LayerSpec.of("relu"),
                LayerSpec.of("maxPool2d", "size", "2", "padding", "same"),
                LayerSpec.of("conv2d", "filters", "4", "kernel", "2x3", "padding", "1"),
                LayerSpec.of("avgPool2d", "size", "2", "stride", "1"),
                LayerSpec.of("flatten"),
                LayerSpec.of("dense", "units", "4"),
                LayerSpec.of("softmax")), new int[] {2, 9, 7});
        networkCheck(List.of(
                LayerSpec.of("conv2d", "filters", "3", "kernel", "3"),
                LayerSpec.of("relu"),
                LayerSpec.of("conv2d", "filters", "4", "kernel", "1", "bias", "false"),
                LayerSpec.of("globalAvgPool"),
                LayerSpec.of("softmax")), new int[] {1, 6, 5});
    }

    private void networkCheck(List<LayerSpec> specs, int[] inShape) {
        int batch = 3, classes = 4;
        Network net = Network.build(compute, specs, inShape, classes, 0.5, 0.25, 7);
        Random r = new Random(11);
        for (Parameter p : net.parameters()) {
            if (p.name().endsWith(".bias")) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = (float) r.nextGaussian() * 0.1f;
                }
            }
        }
        byte[] pixels = new byte[batch * Layer.size(inShape)];
        r.nextBytes(pixels);
        int[] labels = {0, 3, 2};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float[] grad = new float[batch * classes];
        float[] x = net.loadInput(pixels, null, 0, batch).clone();
        loss.lossAndGradient(net.logits(x, batch, true), labels, batch, classes, grad);
        net.backwardFromLogits(grad, batch);
        for (Parameter p : net.parameters()) {
            float[] analytic = p.grad().clone();
            for (int i = 0; i < p.size(); i++) {
                float saved = p.value()[i];
                p.value()[i] = saved + EPS;
                double up = loss.lossAndGradient(net.logits(x, batch, false), labels, batch, classes, new float[grad.length]);
                p.value()[i] = saved - EPS;
                double down = loss.lossAndGradient(net.logits(x, batch, false), labels, batch, classes, new float[grad.length]);
                p.value()[i] = saved;
                assertNear((up - down) / (2 * EPS), analytic[i], p.name() + "[" + i + "]");
            }
        }
    }

    /**
     * Forward and backward give the same bits with 1 and 3 threads, on the vector kernels; the
     * second conv has 8·3·3 im2col rows, so both weight-gradient paths are covered.
     */
    @Test
    void threadCountDoesNotChangeABit() {
        List<LayerSpec> specs = List.of(
                LayerSpec.of("conv2d", "filters", "8", "kernel", "3", "padding", "same"),
                LayerSpec.of("relu"),
                LayerSpec.of("maxPool2d", "size", "2"),
                LayerSpec.of("conv2d", "filters", "6", "kernel", "3", "stride", "2"),
                LayerSpec.of("avgPool2d", "size", "2", "stride", "1", "padding", "same"),
                LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax"));
        int batch = 13;
        byte[] pixels = new byte[batch * 2 * 17 * 19];
        new Random(5).nextBytes(pixels);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
        float[][] runs = new float[2][];
        int[] threads = {1, 3};
        for (int t = 0; t < 2; t++) {
            try (Parallel p = new Parallel(threads[t])) {
                Compute c = new Compute(KernelProvider.get(), p);
                Network net = Network.build(c, specs, new int[] {2, 17, 19}, 10, 0.5, 0.25, 3);
                float[] x = net.loadInput(pixels, null, 0, batch);
                float[] grad = new float[batch * 10];
                new SoftmaxCrossEntropy().lossAndGradient(net.logits(x, batch, true), labels, batch, 10, grad);
                net.backwardFromLogits(grad, batch);
                runs[t] = net.parameters().stream().map(Parameter::grad)
                        .reduce(new float[0], ConvGradientCheckTest::concat);
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static final float EPS = 1e-3f;

    private static double dot(float[] a, float[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
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
