package dev.kiln.nn;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kiln.nn.RandomArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network has a convolution or dense layer apply the ReLU after it, and a max pool or
 * convolution after a ReLU do the ReLU's backward pass ({@link Network}'s pairings); the ReLU
 * passes values through. The same bits as the layers run
 * one after another, without the ReLU's own passes over the batch; a ReLU with no such
 * neighbour (here on the input, and before a dense layer) still makes its own passes.
 */
class ActivationFusionTest {

    private static final int[] INPUT = {2, 9, 8};
    private static final long SEED = 7;
    // No ReLU after the max pool: it would zero the gradients of all-zero windows itself and hide
    // a missing gate in the pool. The ReLU on the input follows no layer, so it keeps its pass.
    private static final List<LayerSpec> SPECS = List.of(
            LayerSpec.of("relu"),
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
        LayersOneByOne.assertNetworkGivesTheirBits(compute, SPECS, INPUT, 3, SEED, 0, 5);
    }

    @Test
    void reluAfterAConvolutionOrADenseLayerPassesItsInputThrough() {
        int batch = 3;
        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        List<Layer> layers = net.layers();
        for (int i : new int[] {1, 7}) {
            float[] y = layers.get(i).forward(input(layers, i, batch, 3), batch, true);
            assertTrue(y == layers.get(i + 1).forward(y, batch, true), "the ReLU after layer " + i + " makes no pass");
            for (int j = 0; j < batch * Layer.size(layers.get(i).outputShape()); j++) {
                assertTrue(y[j] >= 0, "layer " + i + " clamps its output at 0");
            }
        }
        float[] x = input(layers, 0, batch, 4);
        assertTrue(x != layers.get(0).forward(x, batch, true), "a ReLU on the input runs its own pass");
    }

    @Test
    void reluBeforeAMaxPoolOrAConvolutionHandsTheGradientDown() {
        int batch = 3;
        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        net.logits(gaussian(batch * Layer.size(INPUT), 5), batch, true);
        List<Layer> layers = net.layers();
        for (int i : new int[] {2, 4}) {
            float[] dy = gaussian(batch * Layer.size(layers.get(i).outputShape()), 6 + i);
            assertTrue(dy == layers.get(i).backward(dy, batch), "the ReLU at " + i + " makes no backward pass");
        }
        float[] dy = gaussian(batch * Layer.size(layers.get(8).outputShape()), 14);
        assertTrue(dy != layers.get(8).backward(dy, batch), "the ReLU before a dense layer runs its own backward pass");
    }

    /** A batch of Gaussian inputs for layer {@code i}. */
    private static float[] input(List<Layer> layers, int i, int batch, long seed) {
        int[] shape = i == 0 ? INPUT : layers.get(i - 1).outputShape();
        return gaussian(batch * Layer.size(shape), seed);
    }
}
