package dev.kiln.onnx;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A small random classifier and its spec, shared by the ONNX tests. */
final class Fixtures {

    static final int[] INPUT_SHAPE = {1, 28, 28};
    static final int CLASSES = 10;
    /** Fixed so producer_version does not depend on whether classes come from a jar. */
    static final Map<String, String> METADATA = Map.of(OnnxExporter.META_VERSION, "0.0.0-test",
            "kiln.testAccuracy", "0.9123");

    private Fixtures() {
    }

    static Compute compute(Parallel parallel) {
        return new Compute(KernelProvider.get(), parallel);
    }

    static TrainingSpec spec(int opset) {
        List<LayerSpec> layers = List.of(LayerSpec.of("dense", "units", "32"), LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "10", "init", "xavier"), LayerSpec.of("softmax"));
        DataSpec data = new DataSpec("mnist", null, null, null, null, 0, 0.1307, 0.3081);
        return new TrainingSpec("digits", data, layers, "crossEntropy", OptimizerSpec.adam(), 1, 32, 42L, 2,
                0.9, opset).validate();
    }

    /** The spec's network with random (non-zero) biases too, so bias export is exercised. */
    static Network network(Compute compute, TrainingSpec spec) {
        Network net = Network.build(compute, spec.layers(), INPUT_SHAPE, CLASSES, spec.data().inputMean(),
                spec.data().inputStd(), spec.seed());
        SplittableRandom rnd = new SplittableRandom(7);
        for (Layer l : net.layers()) {
            if (l instanceof Dense d) {
                float[] b = d.bias().value();
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (rnd.nextDouble() - 0.5);
                }
            }
        }
        return net;
    }

    /** {@code n} images of random raw pixels (0–255). */
    static byte[] pixels(long seed, int n) {
        byte[] p = new byte[n * 28 * 28];
        new SplittableRandom(seed).nextBytes(p);
        return p;
    }

    /** Kiln's own probabilities for the images, copied out of the layer's buffer. */
    static float[] predict(Network net, byte[] pixels, int n) {
        float[] p = net.predict(net.loadInput(pixels, null, 0, n), n);
        return java.util.Arrays.copyOf(p, n * net.classes());
    }

    static int argmax(float[] v, int off, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
