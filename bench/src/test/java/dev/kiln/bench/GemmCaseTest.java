package dev.kiln.bench;

import dev.kiln.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmCaseTest {

    @Test
    void readsTheShapeAndCountsItsFlops() {
        try (GemmCase g = new GemmCase("NT:4x5x6", KernelProvider.get(), 1)) {
            assertEquals(2L * 4 * 5 * 6, g.flops);
        }
    }

    /** A shape typed on {@code InterleavedGemm}'s command line: the error says the form expected. */
    @Test
    void rejectsMalformedShapesWithTheExpectedForm() {
        for (String bad : new String[] {"NT", "NT:4x5", "NT:4x0x6", "NT:4x-5x6", "NT:4x5x6x7", "NT:axbxc", "NT:4x5x6:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GemmCase(bad, KernelProvider.get(), 1), bad);
            assertTrue(e.getMessage().contains("OP:MxNxK") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void rejectsAnUnknownOperation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GemmCase("TT:4x5x6", KernelProvider.get(), 1));
        assertTrue(e.getMessage().contains("NN, TN or NT"), e.getMessage());
    }
}
