package dev.kiln.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Optimizer state whose gradient has stopped decays to 0, never into the subnormal floats that
 * x86 computes with microcode assists ({@link Kernels#STATE_FLOOR}); state at the floor or above
 * is kept as it is.
 */
class OptimizerStateFloorTest {

    /** Sizes with a vector body and a scalar tail (16 lanes with 512-bit vectors). */
    private static final int N = 37;

    private static Kernels kernels(String name) {
        return "vector".equals(name) ? new VectorKernels() : new ScalarKernels();
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void adamMomentsOfAStoppedGradientReachZeroWithoutTurningSubnormal(String name) {
        Kernels k = kernels(name);
        float[] p = new float[N];
        float[] g = new float[N];
        float[] m = new float[N];
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            p[i] = 0.01f * (i + 1);
            m[i] = (i % 2 == 0 ? 1e-4f : -1e-4f) * (1 + i);
            // a second moment just above the normal range: without the floor, subnormal after 500 to 1,600 steps
            v[i] = 2e-38f * (1 + i % 3);
        }
        for (int step = 0; step < 2000; step++) {
            k.adam(p, g, m, v, 0, N, 0.9f, 0.999f, 1e-3f, 1e-8f);
            assertNoSubnormal(m, name + " adam m, step " + step);
            assertNoSubnormal(v, name + " adam v, step " + step);
        }
        assertArrayEquals(new float[N], m, name + ": m of a stopped gradient ends at 0");
        assertArrayEquals(new float[N], v, name + ": v of a stopped gradient ends at 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void sgdVelocityOfAStoppedGradientReachesZeroWithoutTurningSubnormal(String name) {
        Kernels k = kernels(name);
        float[] p = new float[N];
        float[] g = new float[N];
        float[] vel = new float[N];
        Arrays.fill(vel, -3e-5f);
        for (int step = 0; step < 2000; step++) {
            k.sgd(p, g, vel, 0, N, 0.01f, 0.9f);
            assertNoSubnormal(vel, name + " sgd velocity, step " + step);
        }
        assertArrayEquals(new float[N], vel, name + ": velocity of a stopped gradient ends at 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void stateAtTheFloorIsKeptAndBelowItIsDropped(String name) {
        Kernels k = kernels(name);
        float atFloor = Kernels.STATE_FLOOR;
        float below = Math.nextDown(Kernels.STATE_FLOOR);
        float[] m = new float[N];
        float[] v = new float[N];
        float[] vel = new float[N];
        for (int i = 0; i < N; i++) {
            float x = i % 2 == 0 ? atFloor : below;
            m[i] = i % 4 < 2 ? x : -x;
            v[i] = x;
            vel[i] = -m[i];
        }
        // β = 1 and a zero gradient: the state is carried over exactly, then floored
        k.adam(new float[N], new float[N], m, v, 0, N, 1f, 1f, 1e-3f, 1e-8f);
        k.sgd(new float[N], new float[N], vel, 0, N, 0.01f, 1f);
        for (int i = 0; i < N; i++) {
            float kept = i % 2 == 0 ? atFloor : 0f;
            assertEquals(kept, Math.abs(m[i]), name + " adam m[" + i + "]");
            assertEquals(kept, v[i], name + " adam v[" + i + "]");
            assertEquals(kept, Math.abs(vel[i]), name + " sgd velocity[" + i + "]");
        }
    }

    private static void assertNoSubnormal(float[] x, String what) {
        for (int i = 0; i < x.length; i++) {
            float a = Math.abs(x[i]);
            if (a != 0f && a < Float.MIN_NORMAL) {
                fail(what + ": element " + i + " is subnormal (" + x[i] + ")");
            }
        }
    }
}
