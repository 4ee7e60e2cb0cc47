package dev.kiln.nn;

import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.SpecException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spec checks and output shapes of the image layers. */
class ConvLayerFactoryTest {

    private final Compute compute = new Compute(new ScalarKernels(), new Parallel(1));

    private Layer create(LayerSpec spec, int... inputShape) {
        return LayerFactory.create(compute, spec, 0, inputShape, true, 1);
    }

    private String field(LayerSpec spec, int... inputShape) {
        return assertThrows(SpecException.class, () -> create(spec, inputShape)).field();
    }

    @Test
    void outputShapes() {
        assertArrayEquals(new int[] {32, 26, 26}, create(LayerSpec.of("conv2d", "filters", "32", "kernel", "3"), 1, 28, 28).outputShape());
        assertArrayEquals(new int[] {8, 14, 14}, create(LayerSpec.of("conv2d", "filters", "8", "kernel", "3", "stride", "2",
                "padding", "same"), 1, 28, 28).outputShape());
        // same: ceil(7/2) x ceil(5/2), whatever the kernel
        assertArrayEquals(new int[] {2, 4, 3}, create(LayerSpec.of("conv2d", "filters", "2", "kernel", "3x2", "stride", "2",
                "padding", "same"), 3, 7, 5).outputShape());
        assertArrayEquals(new int[] {2, 7, 6}, create(LayerSpec.of("conv2d", "filters", "2", "kernel", "3x2", "padding", "1"),
                3, 7, 5).outputShape());
        assertArrayEquals(new int[] {2, 3, 2}, create(LayerSpec.of("maxPool2d", "size", "2"), 2, 7, 5).outputShape(),
                "stride defaults to the window");
        assertArrayEquals(new int[] {2, 4, 3}, create(LayerSpec.of("avgPool2d", "size", "2", "padding", "same"), 2, 7, 5).outputShape());
        assertArrayEquals(new int[] {2, 1, 1}, create(LayerSpec.of("globalAvgPool"), 2, 7, 5).outputShape());
        assertArrayEquals(new int[] {70}, create(LayerSpec.of("flatten"), 2, 7, 5).outputShape());
    }

    @Test
    void samePaddingPutsTheOddRowAtTheEnd() {
        Window2d w = ((Conv2d) create(LayerSpec.of("conv2d", "filters", "1", "kernel", "4x3", "padding", "same"), 1, 6, 6)).window();
        assertEquals(List.of(1, 1, 2, 1), List.of(w.padTop(), w.padLeft(), w.padBottom(), w.padRight()));
    }

    @Test
    void convWeightsAreSeededHeAndBiasIsOptional() {
        Conv2d c = (Conv2d) create(LayerSpec.of("conv2d", "filters", "64", "kernel", "3"), 32, 26, 26);
        assertArrayEquals(new int[] {64, 32, 3, 3}, c.weight().shape());
        double var = 0;
        for (float v : c.weight().value()) {
            var += v * v;
        }
        var /= c.weight().size();
        assertEquals(2.0 / (32 * 9), var, 0.1 * 2.0 / (32 * 9), "He: variance 2 / fan-in");
        assertEquals(2, c.parameters().size());
        Conv2d nb = (Conv2d) create(LayerSpec.of("conv2d", "filters", "4", "kernel", "3", "bias", "false"), 1, 5, 5);
        assertNull(nb.bias());
        assertEquals(1, nb.parameters().size());
    }

    @Test
    void windowLargerThanItsInputNamesTheLayerAndTheShape() {
        SpecException e = assertThrows(SpecException.class, () -> create(LayerSpec.of("maxPool2d", "size", "5"), 3, 4, 4));
        assertEquals("layers[0].size", e.field());
        assertTrue(e.getMessage().contains("[3, 4, 4]"), e.getMessage());
        assertEquals("layers[0].kernel", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3x5"), 1, 4, 4));
        // padding makes room
        create(LayerSpec.of("conv2d", "filters", "2", "kernel", "5", "padding", "same"), 1, 4, 4);
        create(LayerSpec.of("avgPool2d", "size", "5", "padding", "1"), 1, 3, 3);

        // through Network.build, at the position of the layer in the list
        List<LayerSpec> specs = new ArrayList<>(List.of(LayerSpec.of("conv2d", "filters", "4", "kernel", "3"),
                LayerSpec.of("maxPool2d", "size", "2"), LayerSpec.of("maxPool2d", "size", "2"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")));
        SpecException n = assertThrows(SpecException.class,
                () -> Network.build(compute, specs, new int[] {1, 5, 5}, 10, 0, 1, 1));
        assertEquals("layers[2].size", n.field());
        assertTrue(n.getMessage().contains("[4, 1, 1]"), n.getMessage());
    }

    @Test
    void imageLayersNeedAnImage() {
        List<LayerSpec> specs = List.of(LayerSpec.of("flatten"), LayerSpec.of("conv2d", "filters", "2", "kernel", "3"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax"));
        SpecException e = assertThrows(SpecException.class,
                () -> Network.build(compute, specs, new int[] {1, 5, 5}, 10, 0, 1, 1));
        assertEquals("layers[1].type", e.field());
        assertTrue(e.getMessage().contains("[25]"), e.getMessage());
        assertEquals("layers[0].type", field(LayerSpec.of("globalAvgPool"), 10));
    }

    @Test
    void badParametersNameTheElement() {
        assertEquals("layers[0].filters", field(LayerSpec.of("conv2d", "kernel", "3"), 1, 9, 9));
        assertEquals("layers[0].filters", field(LayerSpec.of("conv2d", "filters", "0", "kernel", "3"), 1, 9, 9));
        assertEquals("layers[0].kernel", field(LayerSpec.of("conv2d", "filters", "2"), 1, 9, 9));
        for (String k : new String[] {"0", "3x", "x3", "3x3x3", "-1", "three", "3x0"}) {
            assertEquals("layers[0].kernel", field(LayerSpec.of("conv2d", "filters", "2", "kernel", k), 1, 9, 9), k);
        }
        assertEquals("layers[0].stride", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "stride", "0"), 1, 9, 9));
        assertEquals("layers[0].padding", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "padding", "full"), 1, 9, 9));
        assertEquals("layers[0].padding", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "padding", "-1"), 1, 9, 9));
        assertEquals("layers[0].bias", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "bias", "yes"), 1, 9, 9));
        assertEquals("layers[0].init", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "init", "zeros"), 1, 9, 9));
        assertEquals("layers[0].units", field(LayerSpec.of("conv2d", "filters", "2", "kernel", "3", "units", "3"), 1, 9, 9));
        assertEquals("layers[0].size", field(LayerSpec.of("maxPool2d"), 1, 9, 9));
        assertEquals("layers[0].kernel", field(LayerSpec.of("avgPool2d", "kernel", "2"), 1, 9, 9));
        // ONNX Runtime refuses pooling pads as large as the window
        assertEquals("layers[0].padding", field(LayerSpec.of("maxPool2d", "size", "2", "padding", "2"), 1, 9, 9));
        assertEquals("layers[0].padding", field(LayerSpec.of("avgPool2d", "size", "3x2", "padding", "1x2"), 1, 9, 9));
        assertEquals("layers[0].size", field(LayerSpec.of("flatten", "size", "2"), 1, 9, 9));
    }
}
