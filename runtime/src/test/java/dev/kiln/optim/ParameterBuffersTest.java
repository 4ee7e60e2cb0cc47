package dev.kiln.optim;

import dev.kiln.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterBuffersTest {

    private final List<Parameter> params = List.of(Parameter.of("a", 2), Parameter.of("b", 3));

    @Test
    void exportNamesEachBufferByKindAndParameterInParameterOrderAndCopiesIt() {
        ParameterBuffers buffers = new ParameterBuffers("adam", params, "m", "v");
        buffers.get(1, 1)[2] = 7f;

        OptimizerState state = buffers.export(5);
        buffers.get(1, 1)[2] = 8f;

        assertEquals("adam", state.optimizer());
        assertEquals(5, state.steps());
        assertEquals(List.of("m/a", "v/a", "m/b", "v/b"), List.copyOf(state.tensors().keySet()));
        assertArrayEquals(new float[] {0f, 0f, 7f}, state.tensors().get("v/b"));
        assertEquals(2, state.tensors().get("m/a").length);
    }

    @Test
    void restoreCopiesEveryBufferAndReturnsTheSteps() {
        ParameterBuffers from = new ParameterBuffers("sgd", params, "velocity");
        from.get(0, 0)[1] = 1.5f;
        from.get(0, 1)[0] = -2f;
        ParameterBuffers to = new ParameterBuffers("sgd", params, "velocity");

        assertEquals(9, to.restore(from.export(9)));

        assertArrayEquals(new float[] {0f, 1.5f}, to.get(0, 0));
        assertArrayEquals(new float[] {-2f, 0f, 0f}, to.get(0, 1));
    }

    @Test
    void anotherOptimizersStateIsRefusedNamingBoth() {
        ParameterBuffers adam = new ParameterBuffers("adam", params, "m", "v");
        OptimizerState sgd = new ParameterBuffers("sgd", params, "velocity").export(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.restore(sgd));
        assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("adam"), e.getMessage());
    }

    @Test
    void aStateWithABufferOfAnotherLengthIsRefusedBeforeAnythingIsCopied() {
        ParameterBuffers buffers = new ParameterBuffers("adam", params, "m", "v");
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("m/a", new float[] {1f, 1f});
        tensors.put("v/a", new float[] {1f, 1f});
        tensors.put("m/b", new float[] {1f, 1f, 1f});
        tensors.put("v/b", new float[] {1f, 1f});

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> buffers.restore(new OptimizerState("adam", 3, tensors)));
        assertTrue(e.getMessage().contains("v/b"), e.getMessage());
        assertArrayEquals(new float[] {0f, 0f}, buffers.get(0, 0));
        assertArrayEquals(new float[] {0f, 0f, 0f}, buffers.get(0, 1));
    }

    @Test
    void aStateMissingABufferIsRefusedNamingIt() {
        ParameterBuffers buffers = new ParameterBuffers("sgd", params, "velocity");
        OptimizerState partial = new OptimizerState("sgd", 1, Map.of("velocity/a", new float[2]));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buffers.restore(partial));
        assertTrue(e.getMessage().contains("velocity/b"), e.getMessage());
    }
}
