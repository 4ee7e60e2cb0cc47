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
 * A network has a max pool apply the backward mask of the dropout after it ({@link Network}'s
 * pairing): the same bits as the layers run one after another, and the dropout hands the gradient
 * down untouched; a dropout after any other layer still makes its own pass.
 */
class DropoutFusionTest {

    private static final int[] INPUT = {2, 8, 8};
    private static final long SEED = 11;
    private static final long STEP = 5;
    private static final List<LayerSpec> SPECS = List.of(
            LayerSpec.of("conv2d", "filters", "4", "kernel", "3"),
            LayerSpec.of("relu"),
            LayerSpec.of("maxPool2d", "size", "2"),
            LayerSpec.of("dropout", "rate", "0.5"),
            LayerSpec.of("flatten"),
            LayerSpec.of("dense", "units", "6"),
            LayerSpec.of("relu"),
            LayerSpec.of("dropout", "rate", "0.3"),
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
        LayersOneByOne.assertNetworkGivesTheirBits(compute, SPECS, INPUT, 3, SEED, STEP, 5);
    }

    @Test
    void dropoutAfterAMaxPoolHandsTheGradientDown() {
        int batch = 3;
        Network net = Network.build(compute, SPECS, INPUT, 3, 0, 1, SEED);
        net.setStep(STEP);
        net.logits(gaussian(batch * Layer.size(INPUT), 3), batch, true);
        List<Layer> layers = net.layers();
        float[] dy = gaussian(batch * Layer.size(layers.get(3).outputShape()), 4);
        assertTrue(dy == layers.get(3).backward(dy, batch), "the dropout after the max pool makes no backward pass");
        float[] dy7 = gaussian(batch * Layer.size(layers.get(7).outputShape()), 5);
        assertTrue(dy7 != layers.get(7).backward(dy7, batch), "the dropout after a ReLU runs its own backward pass");
    }
}
