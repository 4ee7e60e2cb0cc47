package dev.kiln.bench;

import dev.kiln.cli.TrainerJvmOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The measured peak: how many single-precision FLOP/s this JVM gets out of the FMA units when
 * nothing but FMAs run ({@link FmaLoop}: twelve independent accumulator chains, all operands in
 * registers), so this is an upper bound for any kernel on this machine and JDK.
 *
 * <p>One operation is one {@link FmaLoop#run} ({@link FmaLoop#FLOPS_PER_CALL} FLOP); the
 * {@link FlopCounter} turns it into GFLOP/s. {@code peak1} runs on one thread, {@code peak2} on
 * two independent threads (JMH sums them). On a host whose speed moves by the second, a kernel's
 * share of this peak is better read from {@link InterleavedGemm}, which times both in alternation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", TrainerJvmOptions.QUIET,
        TrainerJvmOptions.PACKING_COMPILED_ALONE, TrainerJvmOptions.BLOCK_COMPILED_ALONE,
        TrainerJvmOptions.VECTOR_HELPERS_INLINED, TrainerJvmOptions.OBJECT_ALIGNMENT})
@State(Scope.Thread)
public class FmaPeakBenchmark {

    private final FmaLoop loop = new FmaLoop();

    @Benchmark
    @Threads(1)
    public float peak1(FlopCounter counter) {
        counter.flops += FmaLoop.FLOPS_PER_CALL;
        return loop.run();
    }

    @Benchmark
    @Threads(2)
    public float peak2(FlopCounter counter) {
        counter.flops += FmaLoop.FLOPS_PER_CALL;
        return loop.run();
    }
}
