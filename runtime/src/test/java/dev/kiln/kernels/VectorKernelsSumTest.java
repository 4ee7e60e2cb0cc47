package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The vector kernels' sums end in one fixed tree over the lanes, so their bits are defined and the
 * same in every JIT tier. The surefire JVM has the Vector API module, so the vector path runs.
 */
class VectorKernelsSumTest {

    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    /** Lane {@code i} plus lane {@code i + L/2}, then on the halves, down to lane 0. */
    private static float tree(float[] lanes) {
        float[] v = lanes.clone();
        for (int step = L / 2; step > 0; step /= 2) {
            float[] next = new float[L];
            for (int i = 0; i < L; i++) {
                next[i] = v[i] + v[(i + step) % L];
            }
            v = next;
        }
        return v[0];
    }

    private static float inOrder(float[] lanes) {
        float s = lanes[0];
        for (int i = 1; i < L; i++) {
            s += lanes[i];
        }
        return s;
    }

    /** One vector's worth of values over a wide range, so that the order of the adds shows in the bits. */
    private static float[] lanes(long seed) {
        Random r = new Random(seed);
        float[] a = new float[L];
        for (int i = 0; i < L; i++) {
            a[i] = (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextInt(9)) * (1 + r.nextFloat()));
        }
        return a;
    }

    @Test
    void aVectorsSumIsTheFixedTreeOfItsLanes() {
        VectorKernels k = new VectorKernels();
        int discriminating = 0;
        for (long seed = 0; seed < 200; seed++) {
            float[] a = lanes(seed);
            float expected = tree(a);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(k.sum(a, 0, L)),
                    "seed " + seed + ": " + java.util.Arrays.toString(a));
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(inOrder(a))) {
                discriminating++;
            }
        }
        // the data tells the tree from the plain lane order, or the test above would prove nothing
        assertNotEquals(0, discriminating);
    }

    @Test
    void theBitsDoNotChangeWhenTheJitCompilesTheSum() {
        VectorKernels k = new VectorKernels();
        float[] a = new float[3 * L + 5];
        Random r = new Random(7);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7)));
        }
        int first = Float.floatToRawIntBits(k.sum(a, 0, a.length));
        // the first calls run in the interpreter, the later ones in C1's and C2's code
        for (int call = 0; call < 200_000; call++) {
            assertEquals(first, Float.floatToRawIntBits(k.sum(a, 0, a.length)), "call " + call);
        }
    }
}
