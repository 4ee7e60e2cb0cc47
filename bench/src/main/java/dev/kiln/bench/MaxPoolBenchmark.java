package dev.kiln.bench;

import dev.kiln.cli.TrainerJvmOptions;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.nn.Compute;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.parallel.Parallel;
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
 * The {@code mnist-cnn} example's max-pool through the real {@link MaxPool2d}: 64 channels of
 * 24×24, window 2, stride 2 (→ 12×12), batch 64, on a {@code Parallel} pool of {@code threads}
 * threads. Memory-bound, so measured in bytes (see {@link ByteCounter}): forward reads the input
 * and writes the output and the argmax indices, backward reads the output gradient and the
 * indices and writes (clears, then scatters into) the input gradient. Both move
 * {@code 4·(in + 2·out)} bytes per sample, {@code in = 64·24·24}, {@code out = 64·12·12}.
 * {@code kernels} is {@code vector} (what training uses) or {@code scalar} (the reference
 * {@code ScalarKernels}), to see what the vector kernel gains at this shape.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", TrainerJvmOptions.QUIET,
        TrainerJvmOptions.PACKING_COMPILED_ALONE, TrainerJvmOptions.BLOCK_COMPILED_ALONE,
        TrainerJvmOptions.VECTOR_HELPERS_INLINED, TrainerJvmOptions.OBJECT_ALIGNMENT})
public class MaxPoolBenchmark {

    static final int BATCH = 64;
    static final int CHANNELS = 64;
    static final int SIZE = 24;
    static final int WINDOW = 2;

    @State(Scope.Benchmark)
    public static class Pool {
        @Param({"1", "2"})
        public int threads;
        @Param({"vector", "scalar"})
        public String kernels;

        MaxPool2d pool;
        float[] x;
        float[] dy;
        long bytes;
        long elements;
        private Parallel parallel;

        @Setup(Level.Trial)
        public void setup() {
            parallel = new Parallel(threads);
            Window2d g = new Window2d(CHANNELS, SIZE, SIZE, WINDOW, WINDOW, WINDOW, WINDOW, 0, 0, 0, 0);
            pool = new MaxPool2d(new Compute("scalar".equals(kernels) ? new ScalarKernels() : GemmBenchmark.vector(),
                    parallel), g);
            long in = (long) BATCH * CHANNELS * g.inPlane();
            long out = (long) BATCH * CHANNELS * g.outPlane();
            x = LayerCase.random(1, (int) in, 1.0);
            dy = LayerCase.random(2, (int) out, 1e-3);
            bytes = 4 * (in + 2 * out);
            elements = in;
            pool.forward(x, BATCH, true);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            parallel.close();
        }
    }

    @Benchmark
    public float[] forward(Pool s, ByteCounter counter) {
        counter.bytes += s.bytes;
        counter.elements += s.elements;
        return s.pool.forward(s.x, BATCH, true);
    }

    @Benchmark
    public float[] backward(Pool s, ByteCounter counter) {
        counter.bytes += s.bytes;
        counter.elements += s.elements;
        return s.pool.backward(s.dy, BATCH);
    }
}
