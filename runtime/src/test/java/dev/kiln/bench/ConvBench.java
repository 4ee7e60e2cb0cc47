package dev.kiln.bench;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Layer;
import dev.kiln.nn.LayerFactory;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Hand-timed convolution at the mnist-cnn shapes (batch 50): {@code 1x28x28 → 32 3x3 valid} and
 * {@code 32x26x26 → 64 3x3 valid}. Not a unit test and not JMH: warm-up, then the median of
 * repeated runs. It times the {@link Conv2d} layer as used in training (forward with
 * {@code training = true}, backward) at 1 and 2 threads, the phases of im2col + GEMM on one
 * thread, and two alternatives the layer does not use (direct convolution, and the weight
 * gradient from an im2row layout), the numbers behind {@code src/site/markdown/convolution.md}.
 *
 * <p>Run after {@code ./mvnw -pl runtime install}:
 * {@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes dev.kiln.bench.ConvBench}
 * (argument {@code pool}: only the pooling figures)
 */
public final class ConvBench {

    private static final int BATCH = 50;

    private ConvBench() {
    }

    public static void main(String[] args) {
        Kernels k = KernelProvider.get(System.out::println);
        if (args.length > 0 && args[0].equals("pool")) {
            pooling(k);
            return;
        }
        int[][] shapes = {{1, 28, 28, 32, 0}, {32, 26, 26, 64, 1}};
        for (int[] s : shapes) {
            Window2d g = new Window2d(s[0], s[1], s[2], 3, 3, 1, 1, 0, 0, 0, 0);
            int f = s[3];
            boolean inputGrad = s[4] == 1;
            double gflop = 2.0 * BATCH * f * g.colRows() * g.outPlane() / 1e9;
            System.out.printf(Locale.ROOT, "%n== %dx%dx%d -> %d 3x3 valid, batch %d, input gradient %s; %.3f GFLOP per GEMM pass%n",
                    s[0], s[1], s[2], f, BATCH, inputGrad, gflop);
            for (int threads : new int[] {1, 2}) {
                layer(k, g, f, inputGrad, threads, gflop * (inputGrad ? 3 : 2));
            }
            phases(k, g, f, gflop);
        }
        // Few im2col rows: the weight gradient of a first layer
        for (int c : new int[] {2, 4, 8}) {
            Window2d g = new Window2d(c, 26, 26, 3, 3, 1, 1, 0, 0, 0, 0);
            System.out.printf(Locale.ROOT, "%n== %dx26x26 -> 32 3x3 valid (K = %d), batch %d%n", c, g.colRows(), BATCH);
            phases(k, g, 32, 2.0 * BATCH * 32 * g.colRows() * g.outPlane() / 1e9);
        }
        pooling(k);
    }

    /** The layer as training uses it. */
    private static void layer(Kernels k, Window2d g, int f, boolean inputGrad, int threads, double gflop) {
        try (Parallel p = new Parallel(threads)) {
            Compute c = new Compute(k, p);
            Layer conv = LayerFactory.create(c, LayerSpec.of("conv2d", "filters", Integer.toString(f), "kernel", "3"),
                    inputGrad ? 1 : 0, new int[] {g.channels(), g.inH(), g.inW()}, !inputGrad, 1);
            float[] x = random(BATCH * g.channels() * g.inPlane(), 1);
            float[] dy = random(BATCH * f * g.outPlane(), 2);
            double fwd = time(i -> conv.forward(x, BATCH, true));
            double both = time(i -> {
                conv.forward(x, BATCH, true);
                conv.backward(dy, BATCH);
            });
            System.out.printf(Locale.ROOT, "Conv2d layer, %d thread(s): forward %.2f ms, forward+backward %.2f ms (%.1f GFLOP/s)%n",
                    threads, fwd, both, gflop / both * 1e3);
        }
    }

    /** One thread, the pieces of im2col + GEMM, and the alternatives. */
    private static void phases(Kernels k, Window2d g, int f, double gflop) {
        int kk = g.colRows(), pp = g.outPlane(), in = g.channels() * g.inPlane(), out = f * pp;
        float[] x = random(BATCH * in, 3);
        float[] w = random(f * kk, 4);
        float[] dy = random(BATCH * out, 5);
        float[] y = new float[BATCH * out];
        float[] cols = new float[BATCH * kk * pp];
        float[] rows = new float[BATCH * kk * pp];
        float[] dcol = new float[kk * pp];
        float[] dw = new float[f * kk];
        float[] dx = new float[BATCH * in];
        double im2col = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.im2col(x, n * in, g, cols, n * kk * pp);
            }
        });
        double fwd = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.gemm(false, false, 0, f, pp, kk, w, 0, kk, cols, n * kk * pp, pp, y, n * out, pp, false);
            }
        });
        double dwDot = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.gemm(false, true, 0, f, kk, pp, dy, n * out, pp, cols, n * kk * pp, pp, dw, 0, kk, n > 0);
            }
        });
        double dxTime = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.gemm(true, false, 0, kk, pp, f, w, 0, kk, dy, n * out, pp, dcol, 0, pp, false);
                k.col2im(dcol, 0, g, dx, n * in);
            }
        });
        // Alternative weight gradient: im2row ([P][K], the transpose) lets dW = dY · rows use the
        // broadcast-FMA GEMM instead of dot products.
        for (int n = 0; n < BATCH; n++) {
            for (int r = 0; r < kk; r++) {
                for (int q = 0; q < pp; q++) {
                    rows[n * kk * pp + q * kk + r] = cols[n * kk * pp + r * pp + q];
                }
            }
        }
        double dwAxpy = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.gemm(false, false, 0, f, kk, pp, dy, n * out, pp, rows, n * kk * pp, kk, dw, 0, kk, n > 0);
            }
        });
        // What the layer does: transpose each sample's dY to [P][F], then dWᵀ[K][F] = col · dYᵀ
        // with the broadcast-FMA GEMM (transposition of dWᵀ into dW excluded: K·F floats).
        float[] dyT = new float[BATCH * out];
        float[] dwT = new float[f * kk];
        double dwT0 = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                for (int a = 0; a < f; a++) {
                    for (int b = 0; b < pp; b++) {
                        dyT[n * out + b * f + a] = dy[n * out + a * pp + b];
                    }
                }
            }
            for (int n = 0; n < BATCH; n++) {
                k.gemm(false, false, 0, kk, f, pp, cols, n * kk * pp, pp, dyT, n * out, f, dwT, 0, f, n > 0);
            }
        });
        double direct = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                directForward(x, n * in, g, w, f, y, n * out);
            }
        });
        System.out.printf(Locale.ROOT, "1 thread, phases: im2col %.2f ms | forward GEMM %.2f ms (%.1f GFLOP/s) | "
                        + "dW GEMM (dot, im2col layout) %.2f ms (%.1f) | dW GEMM (axpy, im2row layout) %.2f ms (%.1f) | "
                        + "dWᵀ = col · dYᵀ incl. transposing dY %.2f ms (%.1f) | dX GEMM + col2im %.2f ms (%.1f)%n",
                im2col, fwd, gflop / fwd * 1e3, dwDot, gflop / dwDot * 1e3, dwAxpy, gflop / dwAxpy * 1e3,
                dwT0, gflop / dwT0 * 1e3,
                dxTime, gflop / dxTime * 1e3);
        System.out.printf(Locale.ROOT, "1 thread, direct forward (vector over output columns): %.2f ms (%.1f GFLOP/s) "
                + "vs im2col + GEMM %.2f ms%n", direct, gflop / direct * 1e3, im2col + fwd);
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /**
     * Direct valid stride-1 convolution, vectorized along the output row: for each filter,
     * channel and window offset, one broadcast FMA over the row. The obvious alternative to
     * im2col; used only here, for comparison.
     */
    private static void directForward(float[] x, int xo, Window2d g, float[] w, int filters, float[] y, int yo) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), wd = g.inW(), kh = g.kh(), kw = g.kw();
        int l = F.length();
        for (int f = 0; f < filters; f++) {
            int yf = yo + f * oh * ow;
            Arrays.fill(y, yf, yf + oh * ow, 0f);
            for (int c = 0; c < g.channels(); c++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        float wv = w[((f * g.channels() + c) * kh + ki) * kw + kj];
                        FloatVector wb = FloatVector.broadcast(F, wv);
                        for (int r = 0; r < oh; r++) {
                            int src = xo + (c * h + r + ki) * wd + kj;
                            int dst = yf + r * ow;
                            int q = 0;
                            for (; q + l <= ow; q += l) {
                                wb.fma(FloatVector.fromArray(F, x, src + q), FloatVector.fromArray(F, y, dst + q))
                                        .intoArray(y, dst + q);
                            }
                            for (; q < ow; q++) {
                                y[dst + q] = Math.fma(wv, x[src + q], y[dst + q]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Max pooling 2x2 after the second conv (64x24x24), and 3x3 stride 1 same: vector vs scalar kernels. */
    private static void pooling(Kernels k) {
        pooling(k, new Window2d(64, 24, 24, 2, 2, 2, 2, 0, 0, 0, 0));
        pooling(k, new Window2d(64, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1));
    }

    private static void pooling(Kernels k, Window2d g) {
        Kernels scalar = new dev.kiln.kernels.ScalarKernels();
        int in = g.channels() * g.inPlane();
        int out = g.channels() * g.outPlane();
        float[] x = random(BATCH * in, 6);
        float[] y = new float[BATCH * out];
        int[] arg = new int[y.length];
        double v = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.maxPool(x, n * in, g, y, n * out, arg, n * out);
            }
        });
        double s = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                scalar.maxPool(x, n * in, g, y, n * out, arg, n * out);
            }
        });
        double av = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                k.avgPool(x, n * in, g, y, n * out);
            }
        });
        double as = time(i -> {
            for (int n = 0; n < BATCH; n++) {
                scalar.avgPool(x, n * in, g, y, n * out);
            }
        });
        try (Parallel p = new Parallel(1)) {
            MaxPool2d layer = new MaxPool2d(new Compute(k, p), g);
            float[] dy = random(y.length, 7);
            double both = time(i -> {
                layer.forward(x, BATCH, true);
                layer.backward(dy, BATCH);
            });
            System.out.printf(Locale.ROOT, "%n== pooling %s, batch %d, 1 thread: maxPool %s kernel %.2f ms, scalar %.2f ms; "
                    + "avgPool %s %.2f ms, scalar %.2f ms; MaxPool2d layer forward+backward %.2f ms%n",
                    g, BATCH, k.name(), v, s, k.name(), av, as, both);
        }
    }

    /** Median milliseconds of a body after warm-up. */
    private static double time(IntConsumer body) {
        for (int i = 0; i < 15; i++) {
            body.accept(i);
        }
        double[] t = new double[15];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            body.accept(i);
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
