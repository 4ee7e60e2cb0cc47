package dev.kiln.bench;

import dev.kiln.cli.TrainerJvmOptions;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.ScalarKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@code Kernels.gemm} as training calls it: through {@link KernelProvider} (vector kernels) or
 * {@link ScalarKernels} (the reference), on a {@code dev.kiln.parallel.Parallel} pool of
 * {@code threads} threads (the benchmark thread included), split as training splits it ({@code Compute.gemm}:
 * rows, or column strips when the product is short and wide).
 * See {@link GemmCase} for the {@code OP:MxNxK} shapes. GFLOP/s is the {@code flops} counter
 * ({@code 2·m·n·k} per call) divided by 10<sup>9</sup>.
 *
 * <ul>
 *   <li>{@code square}: SGEMM {@code n×n×n}, vector kernels;</li>
 *   <li>{@code squareScalar}: the same with the scalar kernels, small sizes only (1024³ would take
 *       seconds per call);</li>
 *   <li>{@code dense}: the products of the 784-512-512-10 MLP at batch 50 and 64, vector kernels;</li>
 *   <li>{@code denseScalar}: the same with the scalar kernels, one thread by default.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", TrainerJvmOptions.QUIET,
        TrainerJvmOptions.PACKING_COMPILED_ALONE, TrainerJvmOptions.BLOCK_COMPILED_ALONE,
        TrainerJvmOptions.VECTOR_HELPERS_INLINED, TrainerJvmOptions.OBJECT_ALIGNMENT})
public class GemmBenchmark {

    static Kernels vector() {
        Kernels k = KernelProvider.get();
        if (!"vector".equals(k.name())) {
            throw new IllegalStateException("vector kernels unavailable (run with --add-modules jdk.incubator.vector), got " + k.name());
        }
        return k;
    }

    @State(Scope.Benchmark)
    public static class Square {
        @Param({"256", "512", "1024", "2048"})
        public int size;
        @Param({"1", "2"})
        public int threads;
        GemmCase gemm;

        @Setup(Level.Trial)
        public void setup() {
            gemm = new GemmCase("NN:" + size + "x" + size + "x" + size, vector(), threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    @State(Scope.Benchmark)
    public static class SquareScalar {
        @Param({"256", "512"})
        public int size;
        @Param({"1"})
        public int threads;
        GemmCase gemm;

        @Setup(Level.Trial)
        public void setup() {
            gemm = new GemmCase("NN:" + size + "x" + size + "x" + size, new ScalarKernels(), threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    /**
     * The MLP's products ({@code OP:MxNxK}, see {@link GemmCase}): forward of hidden layer 1 at
     * batch 50 and 64 and of hidden layer 2 at batch 64; the weight gradients of both; the input
     * gradient of layer 2 (layer 1 computes none).
     */
    @State(Scope.Benchmark)
    public static class Dense {
        @Param({"NN:50x512x784", "NN:64x512x784", "NN:64x512x512", "TN:784x512x64", "TN:512x512x64", "NT:64x512x512"})
        public String shape;
        @Param({"1", "2"})
        public int threads;
        GemmCase gemm;

        @Setup(Level.Trial)
        public void setup() {
            gemm = new GemmCase(shape, vector(), threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    @State(Scope.Benchmark)
    public static class DenseScalar {
        @Param({"NN:50x512x784", "NN:64x512x784", "NN:64x512x512", "TN:784x512x64", "TN:512x512x64", "NT:64x512x512"})
        public String shape;
        @Param({"1"})
        public int threads;
        GemmCase gemm;

        @Setup(Level.Trial)
        public void setup() {
            gemm = new GemmCase(shape, new ScalarKernels(), threads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gemm.close();
        }
    }

    @Benchmark
    public float[] square(Square s, FlopCounter counter) {
        counter.flops += s.gemm.flops;
        return s.gemm.run();
    }

    @Benchmark
    public float[] squareScalar(SquareScalar s, FlopCounter counter) {
        counter.flops += s.gemm.flops;
        return s.gemm.run();
    }

    @Benchmark
    public float[] dense(Dense s, FlopCounter counter) {
        counter.flops += s.gemm.flops;
        return s.gemm.run();
    }

    @Benchmark
    public float[] denseScalar(DenseScalar s, FlopCounter counter) {
        counter.flops += s.gemm.flops;
        return s.gemm.run();
    }
}
