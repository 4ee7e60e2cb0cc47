package dev.kiln.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The measured peak: how many single-precision FLOP/s this JVM gets out of the FMA units when
 * nothing but FMAs run. Twelve independent accumulator chains of {@code SPECIES_PREFERRED}
 * vectors hide the FMA latency (Zen 4: 4 cycles, one 512-bit FMA per cycle), and all operands
 * stay in registers, so this is an upper bound for any kernel on this machine and JDK.
 *
 * <p>One operation ({@link #FLOPS_PER_OP}) = {@link #ITERATIONS} × 12 vector FMAs ×
 * lanes × 2 FLOP; the {@link FlopCounter} turns it into GFLOP/s. {@code peak1} runs on one
 * thread, {@code peak2} on two independent threads (JMH sums them).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class FmaPeakBenchmark {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Loop trips per operation: long enough that JMH's per-call overhead vanishes. */
    public static final int ITERATIONS = 1 << 14;

    /** Accumulator chains. */
    public static final int CHAINS = 12;

    /** FLOP per benchmark operation. */
    public static final long FLOPS_PER_OP = 2L * ITERATIONS * CHAINS * S.length();

    private float[] init;
    private float[] mul;
    private float[] add;

    @Setup
    public void setup() {
        init = new float[S.length() * CHAINS];
        for (int i = 0; i < init.length; i++) {
            init[i] = 0.5f + i * 1e-3f;
        }
        // acc = acc * 0.999 + 0.001 converges to 1: no overflow, no subnormals
        mul = new float[S.length()];
        add = new float[S.length()];
        java.util.Arrays.fill(mul, 0.999f);
        java.util.Arrays.fill(add, 0.001f);
    }

    @Benchmark
    @Threads(1)
    public float peak1(FlopCounter counter) {
        counter.flops += FLOPS_PER_OP;
        return fmaLoop();
    }

    @Benchmark
    @Threads(2)
    public float peak2(FlopCounter counter) {
        counter.flops += FLOPS_PER_OP;
        return fmaLoop();
    }

    private float fmaLoop() {
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
        return s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
