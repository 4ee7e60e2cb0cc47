package dev.kiln.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA-throughput loop behind the measured peak ({@link FmaPeakBenchmark}, {@link InterleavedGemm}):
 * {@link #CHAINS} independent accumulator chains of {@code SPECIES_PREFERRED} vectors hide the FMA
 * latency, and all operands stay in registers, so nothing but FMAs runs.
 */
final class FmaLoop {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Loop trips per call: long enough that a caller's per-call overhead vanishes. */
    static final int ITERATIONS = 1 << 14;

    /** Accumulator chains. */
    static final int CHAINS = 12;

    /** FLOP per call of {@link #run}. */
    static final long FLOPS_PER_CALL = 2L * ITERATIONS * CHAINS * S.length();

    private final float[] init = new float[S.length() * CHAINS];
    private final float[] mul = new float[S.length()];
    private final float[] add = new float[S.length()];

    FmaLoop() {
        for (int i = 0; i < init.length; i++) {
            init[i] = 0.5f + i * 1e-3f;
        }
        // acc = acc * 0.999 + 0.001 converges to 1: no overflow, no subnormals
        java.util.Arrays.fill(mul, 0.999f);
        java.util.Arrays.fill(add, 0.001f);
    }

    /** {@link #ITERATIONS} trips of {@link #CHAINS} vector FMAs; returns their sum so none is dead code. */
    float run() {
        int l = S.length();
        FloatVector x = FloatVector.fromArray(S, mul, 0);
        FloatVector y = FloatVector.fromArray(S, add, 0);
        FloatVector a0 = FloatVector.fromArray(S, init, 0);
        FloatVector a1 = FloatVector.fromArray(S, init, l);
        FloatVector a2 = FloatVector.fromArray(S, init, 2 * l);
        FloatVector a3 = FloatVector.fromArray(S, init, 3 * l);
        FloatVector a4 = FloatVector.fromArray(S, init, 4 * l);
        FloatVector a5 = FloatVector.fromArray(S, init, 5 * l);
        FloatVector a6 = FloatVector.fromArray(S, init, 6 * l);
        FloatVector a7 = FloatVector.fromArray(S, init, 7 * l);
        FloatVector a8 = FloatVector.fromArray(S, init, 8 * l);
        FloatVector a9 = FloatVector.fromArray(S, init, 9 * l);
        FloatVector a10 = FloatVector.fromArray(S, init, 10 * l);
        FloatVector a11 = FloatVector.fromArray(S, init, 11 * l);
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
