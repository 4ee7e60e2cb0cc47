package dev.kiln.nn;

import dev.kiln.spec.LayerSpec;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.nn.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A network's layers made as {@link Network#build} makes them but never put in a network, run
 * one after another: what a network that pairs neighbours ({@code Network.fuseNeighbours}) must
 * match bit for bit.
 */
final class LayersOneByOne {

    private LayersOneByOne() {
    }

    /**
     * Trains one batch through {@code Network.build(specs)} and through its layers alone, at
     * training step {@code step}, and asserts the same logits and the same parameter gradients.
     */
    static void assertNetworkGivesTheirBits(Compute compute, List<LayerSpec> specs, int[] input, int classes,
                                            long seed, long step, int batch) {
        float[] x = gaussian(batch * Layer.size(input), 1);
        float[] gradLogits = gaussian(batch * classes, 2);

        Network net = Network.build(compute, specs, input, classes, 0, 1, seed);
        net.setStep(step);
        float[] logits = net.logits(x, batch, true).clone();
        net.backwardFromLogits(gradLogits, batch);

        List<Layer> alone = build(compute, specs, input, seed);
        float[] a = x;
        for (int i = 0; i < alone.size() - 1; i++) {
            alone.get(i).setStep(step);
            a = alone.get(i).forward(a, batch, true);
        }
        assertArrayEquals(a, logits, "logits");
        float[] g = gradLogits;
        for (int i = alone.size() - 2; i >= 0 && g != null; i--) {
            g = alone.get(i).backward(g, batch);
        }
        List<Parameter> fused = net.parameters();
        List<Parameter> separate = new ArrayList<>();
        alone.forEach(l -> separate.addAll(l.parameters()));
        for (int i = 0; i < fused.size(); i++) {
            assertArrayEquals(separate.get(i).grad(), fused.get(i).grad(), fused.get(i).name() + " gradient");
        }
    }

    /** The layers of {@code specs}, each made as {@link Network#build} makes it. */
    static List<Layer> build(Compute compute, List<LayerSpec> specs, int[] input, long seed) {
        List<Layer> layers = new ArrayList<>();
        int[] shape = input.clone();
        for (int i = 0; i < specs.size(); i++) {
            Layer l = LayerFactory.create(compute, specs.get(i), i, shape,
                    layers.stream().allMatch(x -> x.parameters().isEmpty()), seed);
            layers.add(l);
            shape = l.outputShape();
        }
        return layers;
    }
}
