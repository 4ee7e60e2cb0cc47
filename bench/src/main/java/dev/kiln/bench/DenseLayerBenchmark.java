package dev.kiln.bench;

import dev.kiln.cli.TrainerJvmOptions;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Initializer;
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
 * The three layers of the 784-512-512-10 MLP through the real {@link Dense} layer, at batch 50
 * (the {@code mnist-mlp} example) and 64 (the epoch comparison), on a {@code Parallel} pool of
 * {@code threads} threads. {@code layer} is {@code INxOUT}; {@code 784x512} is the first layer,
 * built with {@code inputGrad = false} like {@code LayerFactory} does.
 *
 * <p>{@code forward} is {@code forward(x, batch, true)} ({@code X·W} and the bias row);
 * {@code backward} is {@code backward(dY, batch)} after one forward ({@code Xᵀ·dY}, the bias
 * column sums and, except for the first layer, {@code dY·Wᵀ}). The {@code flops} counter counts
 * the GEMMs only, {@code 2·batch·in·out} each: one forward, two backward, one for the first
 * layer's backward.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", TrainerJvmOptions.QUIET,
        TrainerJvmOptions.PACKING_COMPILED_ALONE, TrainerJvmOptions.BLOCK_COMPILED_ALONE,
        TrainerJvmOptions.VECTOR_HELPERS_INLINED, TrainerJvmOptions.OBJECT_ALIGNMENT})
public class DenseLayerBenchmark {

    /** The MLP's first layer, the only one without an input gradient. */
    static final String FIRST = "784x512";

    @State(Scope.Benchmark)
    public static class Layer {
        @Param({"784x512", "512x512", "512x10"})
        public String layer;
        @Param({"50", "64"})
        public int batch;
        @Param({"1", "2"})
        public int threads;

        Dense dense;
        float[] x;
        float[] dy;
        long forwardFlops;
        long backwardFlops;
        private Parallel parallel;

        @Setup(Level.Trial)
        public void setup() {
            String[] d = layer.split("x");
            if (d.length != 2) {
                throw new IllegalArgumentException("layer must be INxOUT, got " + layer);
            }
            int in = Integer.parseInt(d[0]);
            int out = Integer.parseInt(d[1]);
            boolean inputGrad = !FIRST.equals(layer);
            parallel = new Parallel(threads);
            dense = new Dense(new Compute(GemmBenchmark.vector(), parallel), "dense", in, out, inputGrad);
            Initializer.fill(dense.weight().value(), "he", in, out, 42, 0);
            x = LayerCase.random(1, batch * in, 1.0);
            dy = LayerCase.random(2, batch * out, 1e-3);
            long gemm = 2L * batch * in * out;
            forwardFlops = gemm;
            backwardFlops = (inputGrad ? 2 : 1) * gemm;
            dense.forward(x, batch, true);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            parallel.close();
        }
    }

    @Benchmark
    public float[] forward(Layer s, FlopCounter counter) {
        counter.flops += s.forwardFlops;
        return s.dense.forward(s.x, s.batch, true);
    }

    @Benchmark
    public float[] backward(Layer s, FlopCounter counter) {
        counter.flops += s.backwardFlops;
        float[] dx = s.dense.backward(s.dy, s.batch);
        return dx != null ? dx : s.dense.weight().grad();
    }
}
