package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.nn.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network applies a ReLU that follows a convolution inside the convolution's forward pass
 * ({@link Conv2d#fuseRelu}), and a max pool or convolution after a ReLU does the ReLU's backward
 * pass ({@link TakesReluBackward}); the ReLU passes values through. The same bits as the layers
 * run one after another, without the ReLU's own passes over the batch.
 */
class ActivationFusionTest {

    private static final int[] INPUT = {2, 9, 8};
    private static final long SEED = 7;
    private static final List<LayerSpec> SPECS = List.of(
            LayerSpec.of("conv2d", "filters", "4", "kernel", "3"),
            LayerSpec.of("relu"),
            LayerSpec.of("conv2d", "filters", "3", "kernel", "3", "padding", "same"),
            LayerSpec.of("relu"),
            LayerSpec.of("maxPool2d", "size", "2"),
            LayerSpec.of("flatten"),
            LayerSpec.of("dense", "units", "5"),
            LayerSpec.of("relu"),
            LayerSpec.of("dense", "units", "3"),
            LayerSpec.of("softmax"));

    private final Parallel parallel = new Parallel(2);
    private final Compute compute = new Compute(KernelProvider.get(), parallel);

    @AfterEach
    void close() {
        parallel.close();
    }

    @Test
    void fusedNetworkGivesTheBitsOfTheLayersRunOneByOne() {
        int batch = 5;
        float[] x = gaussian(batch * Layer.size(INPUT), 1);
        float[] gradLogits = gaussian(batch * 3, 2);

        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        float[] logits = net.logits(x, batch, true).clone();
        net.backwardFromLogits(gradLogits, batch);

        List<Layer> alone = layersAlone();
        float[] a = x;
        for (int i = 0; i < alone.size() - 1; i++) {
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

    @Test
    void reluAfterAConvolutionPassesItsInputThrough() {
        int batch = 3;
        float[] x = gaussian(batch * Layer.size(INPUT), 3);
        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        List<Layer> layers = net.layers();
        float[] conv = layers.get(0).forward(x, batch, true);
        assertTrue(conv == layers.get(1).forward(conv, batch, true), "the ReLU after a convolution makes no pass");
        boolean negative = false;
        for (int i = 0; i < batch * Layer.size(layers.get(0).outputShape()); i++) {
            negative |= conv[i] < 0;
        }
        assertTrue(!negative, "the convolution clamps its output at 0");
        float[] dense = layers.get(6).forward(gaussian(batch * Layer.size(layers.get(5).outputShape()), 4), batch, true);
        assertTrue(dense != layers.get(7).forward(dense, batch, true), "a ReLU after a dense layer runs its own pass");
    }

    @Test
    void reluBeforeAMaxPoolOrAConvolutionHandsTheGradientDown() {
        int batch = 3;
        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        net.logits(gaussian(batch * Layer.size(INPUT), 5), batch, true);
        List<Layer> layers = net.layers();
        float[] beforePool = gaussian(batch * Layer.size(layers.get(3).outputShape()), 6);
        assertTrue(beforePool == layers.get(3).backward(beforePool, batch),
                "the ReLU before a max pool makes no backward pass");
        float[] beforeConv = gaussian(batch * Layer.size(layers.get(1).outputShape()), 7);
        assertTrue(beforeConv == layers.get(1).backward(beforeConv, batch),
                "the ReLU before a convolution makes no backward pass");
        float[] beforeDense = gaussian(batch * Layer.size(layers.get(7).outputShape()), 8);
        assertTrue(beforeDense != layers.get(7).backward(beforeDense, batch),
                "a ReLU before a dense layer runs its own backward pass");
    }

    /** The same layers, made as {@link Network#build} makes them but never put in a network. */
    private List<Layer> layersAlone() {
        List<Layer> layers = new ArrayList<>();
        int[] shape = INPUT.clone();
        for (int i = 0; i < SPECS.size(); i++) {
            Layer l = LayerFactory.create(compute, SPECS.get(i), i, shape,
                    layers.stream().allMatch(x -> x.parameters().isEmpty()), SEED);
            layers.add(l);
            shape = l.outputShape();
        }
        return layers;
    }
}
