package dev.kiln.nn;

import dev.kiln.kernels.ScalarKernels;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.SpecException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerFactoryTest {

    private final Compute compute = new Compute(new ScalarKernels(), new Parallel(1));

    @Test
    void unknownTypeListsTheAllowedOnes() {
        SpecException e = assertThrows(SpecException.class, () -> build(LayerSpec.of("lstm"), LayerSpec.of("softmax")));
        assertEquals("layers[0].type", e.field());
        assertTrue(e.getMessage().contains("dense") && e.getMessage().contains("relu"), e.getMessage());
    }

    @Test
    void badParametersNameTheElement() {
        assertEquals("layers[0].units", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "0"), LayerSpec.of("softmax"))).field());
        assertEquals("layers[0].units", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense"), LayerSpec.of("softmax"))).field());
        assertEquals("layers[0].units", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "ten"), LayerSpec.of("softmax"))).field());
        assertEquals("layers[1].units", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "10"), LayerSpec.of("relu", "units", "3"), LayerSpec.of("softmax"))).field());
        assertEquals("layers[0].init", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "10", "init", "zeros"), LayerSpec.of("softmax"))).field());
    }

    @Test
    void networkMustEndInSoftmaxOverTheClasses() {
        assertEquals("layers[0].type", assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "10"))).field());
        SpecException e = assertThrows(SpecException.class,
                () -> build(LayerSpec.of("dense", "units", "12"), LayerSpec.of("softmax")));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("10 classes"), e.getMessage());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Network a = build(LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax"));
        Network b = build(LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.parameters().get(0).value(), b.parameters().get(0).value());
        Network c = Network.build(compute, List.of(LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")),
                new int[] {1, 4, 4}, 10, 0, 1, 43);
        assertTrue(!java.util.Arrays.equals(a.parameters().get(0).value(), c.parameters().get(0).value()));
    }

    private Network build(LayerSpec... specs) {
        return Network.build(compute, List.of(specs), new int[] {1, 4, 4}, 10, 0, 1, 42);
    }
}
