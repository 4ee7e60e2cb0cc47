package dev.kiln.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The surefire JVM has the Vector API module, so the vector path runs here. */
class VectorKernelsNormalizeTest {

    @Test
    void everyPixelValueNormalizesLikeTheScalarKernel() {
        byte[] pixels = new byte[256 + 13];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        float scale = (float) (1.0 / (255.0 * 0.3081));
        float shift = (float) (-0.1307 / 0.3081);
        float[] vector = new float[pixels.length];
        float[] scalar = new float[pixels.length];
        new VectorKernels().normalize(pixels, 0, vector, 0, pixels.length, scale, shift);
        new ScalarKernels().normalize(pixels, 0, scalar, 0, pixels.length, scale, shift);
        assertArrayEquals(scalar, vector);
    }
}
