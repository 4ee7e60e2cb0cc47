package dev.kiln.bench;

import dev.kiln.cli.TrainerJvmOptions;
import dev.kiln.kernels.Window2d;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Conv2d;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two convolutions of the {@code mnist-cnn} example (PyTorch's examples/mnist network) at
 * batch 64, through the real {@link Conv2d} layer on a {@code Parallel} pool of {@code threads}
 * threads, exactly as training calls them:
 * <ul>
 *   <li>{@code conv1}: 1 → 32 filters, 3×3 valid on 28×28 (→ 26×26); the first layer, so built
 *       with {@code inputGrad = false} like {@code LayerFactory} does;</li>
 *   <li>{@code conv2}: 32 → 64 filters, 3×3 valid on 26×26 (→ 24×24).</li>
 * </ul>
 * {@code forward} is {@code forward(x, 64, training = true)} (im2col of the batch kept for the
 * backward pass, plus the GEMM and bias); {@code backward} is {@code backward(dY, 64)} after one
 * training forward: weight gradient, bias gradient and, for conv2, the input gradient (GEMM and
 * col2im).
 *
 * <p>The {@code flops} counter counts the GEMMs only, {@code 2·F·K·P} per sample per GEMM with
 * {@code F} filters, {@code K = C·kh·kw} and {@code P = outH·outW}: one GEMM forward, two backward
 * ({@code dW} and {@code dX}), one for conv1's backward ({@code dW} only). im2col, col2im, the
 * transpositions and the bias are not counted, so GFLOP/s here is "GEMM work per second of the
 * whole layer call", comparable with {@link GemmBenchmark}'s figures and the FMA peak.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", TrainerJvmOptions.QUIET,
        TrainerJvmOptions.PACKING_COMPILED_ALONE, TrainerJvmOptions.BLOCK_COMPILED_ALONE,
        TrainerJvmOptions.VECTOR_HELPERS_INLINED, TrainerJvmOptions.OBJECT_ALIGNMENT})
public class ConvBenchmark {

    /** Batch size of the CNN workload ({@code bench/epoch-vs-pytorch.sh}). */
    public static final int BATCH = 64;

    /** The layers: input channels, height, width, filters, and whether the input gradient is computed. */
    record Shape(int channels, int h, int w, int filters, int k, boolean inputGrad) {
        Window2d window() {
            return new Window2d(channels, h, w, k, k, 1, 1, 0, 0, 0, 0);
        }

        /** GEMM FLOP of one GEMM over the batch: {@code 2·F·K·P·batch}. */
        long gemmFlops() {
            Window2d g = window();
            return 2L * filters * g.colRows() * g.outPlane() * BATCH;
        }

        /** For the report, e.g. {@code 32→64 3×3 on 26×26 (F×K×P 64×288×576)}. */
        String describe() {
            Window2d g = window();
            return channels + "→" + filters + " " + k + "×" + k + " on " + h + "×" + w
                    + " (F×K×P " + filters + "×" + g.colRows() + "×" + g.outPlane() + ")";
        }
    }

    static final Map<String, Shape> LAYERS = Map.of(
            "conv1", new Shape(1, 28, 28, 32, 3, false),
            "conv2", new Shape(32, 26, 26, 64, 3, true));

    @State(Scope.Benchmark)
    public static class Layer {
        @Param({"conv1", "conv2"})
        public String layer;
        @Param({"1", "2"})
        public int threads;

        Conv2d conv;
        float[] x;
        float[] dy;
        long forwardFlops;
        long backwardFlops;
        private Parallel parallel;

        @Setup(Level.Trial)
        public void setup() {
            Shape s = LAYERS.get(layer);
            if (s == null) {
                throw new IllegalArgumentException("layer must be one of " + LAYERS.keySet() + ", got " + layer);
            }
            parallel = new Parallel(threads);
            Window2d g = s.window();
            conv = new Conv2d(new Compute(GemmBenchmark.vector(), parallel), layer, g, s.filters(), true, s.inputGrad());
            Initializer.fill(conv.weight().value(), "he", g.colRows(), s.filters() * s.k() * s.k(), 42, 0);
            x = LayerCase.random(1, BATCH * g.channels() * g.inPlane(), 1.0);
            dy = LayerCase.random(2, BATCH * s.filters() * g.outPlane(), 1e-3);
            forwardFlops = s.gemmFlops();
            backwardFlops = (s.inputGrad() ? 2 : 1) * s.gemmFlops();
            // backward needs the im2col of a training forward
            conv.forward(x, BATCH, true);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            parallel.close();
        }
    }

    @Benchmark
    public float[] forward(Layer s, FlopCounter counter) {
        counter.flops += s.forwardFlops;
        return s.conv.forward(s.x, BATCH, true);
    }

    @Benchmark
    public float[] backward(Layer s, FlopCounter counter) {
        counter.flops += s.backwardFlops;
        float[] dx = s.conv.backward(s.dy, BATCH);
        return dx != null ? dx : s.conv.weight().grad();
    }
}
