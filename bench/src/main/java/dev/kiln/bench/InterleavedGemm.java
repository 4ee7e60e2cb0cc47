package dev.kiln.bench;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.parallel.Parallel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SGEMM {@code n³} timed in alternation with its peer, for hosts whose speed moves from one
 * second to the next (the shared VMs this project is measured on switch between a fast and a
 * slow phase every few seconds, each vCPU on its own): measured minutes apart, as two JMH
 * benchmarks are, a kernel's share of the peak came out anywhere from 0.54 to 0.97 for the same
 * code. Alternating short windows puts both sides in the same phase, and the per-round ratios'
 * median ignores the rounds a switch cuts through.
 *
 * <ul>
 *   <li>default: rounds of two windows, the FMA peak ({@link FmaLoop} on every thread) and the
 *       GEMM ({@link GemmCase}, split as training splits it), in the order AB BA AB ...; prints
 *       each side's median GFLOP/s and the median and quartiles of the per-round share
 *       GEMM/peak;</li>
 *   <li>{@code --serve}: the GEMM side of a comparison driven by another process (the bench
 *       script's numpy): prints {@code READY} after the warm-up, then one GEMM window per line
 *       read from standard input, answering {@code GFLOPS=x}, until the input ends.</li>
 * </ul>
 * Options: {@code --size n} (1024), {@code --shape s} (any product of {@link GemmCase}, e.g.
 * {@code NT:64x512x512}, instead of the square one), {@code --threads t} (1), {@code --rounds r}
 * (40), {@code --window s} (0.25 s per window), {@code --warmup s} (3 s).
 */
public final class InterleavedGemm {

    private final GemmCase gemm;
    private final int threads;
    private final long windowNanos;
    private final FmaLoop loop = new FmaLoop();
    private final Parallel peakPool;
    /** FMA loop calls per thread in the current peak window. */
    private final long[] peakCalls;
    private volatile float sink;
    private long peakDeadline;

    InterleavedGemm(String shape, int threads, double windowSeconds) {
        Kernels kernels = KernelProvider.get();
        if (!"vector".equals(kernels.name())) {
            throw new IllegalStateException("vector kernels unavailable (run with --add-modules jdk.incubator.vector), got "
                    + kernels.name());
        }
        this.gemm = new GemmCase(shape, kernels, threads);
        this.threads = threads;
        this.windowNanos = (long) (windowSeconds * 1e9);
        this.peakPool = new Parallel(threads);
        this.peakCalls = new long[threads];
    }

    public static void main(String[] args) throws IOException {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("InterleavedGemm: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException {
        int size = 1024;
        String shape = null;
        int threads = 1;
        int rounds = 40;
        double window = 0.25;
        double warmup = 3;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = (int) number(args, ++i, true);
                case "--shape" -> shape = value(args, ++i);
                case "--threads" -> threads = (int) number(args, ++i, true);
                case "--rounds" -> rounds = (int) number(args, ++i, true);
                case "--window" -> window = number(args, ++i, false);
                case "--warmup" -> warmup = number(args, ++i, false);
                case "--serve" -> serve = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (allowed: --size n, --shape s, --threads t, --rounds r, --window s, --warmup s, --serve)");
            }
        }
        if (size < 1 || threads < 1 || rounds < 1 || window <= 0 || warmup < 0) {
            throw new IllegalArgumentException("--size, --threads, --rounds and --window must be positive, --warmup at least 0");
        }
        String product = shape != null ? shape : "NN:" + size + "x" + size + "x" + size;
        String label = shape != null ? shape : "SGEMM " + size + "³";
        InterleavedGemm bench = new InterleavedGemm(product, threads, window);
        try {
            bench.warmUp(warmup);
            if (serve) {
                bench.serve();
            } else {
                bench.rounds(label, rounds, window, warmup);
            }
        } finally {
            bench.close();
        }
    }

    /** The value after option {@code args[i - 1]}. */
    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The number after option {@code args[i - 1]}, a whole one when {@code whole}. */
    private static double number(String[] args, int i, boolean whole) {
        String text = value(args, i);
        try {
            return whole ? Integer.parseInt(text) : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " expects " + (whole ? "a whole number" : "a number")
                    + ", got " + text);
        }
    }

    /** Both sides in alternation for about {@code seconds}, so the JIT has compiled both. */
    private void warmUp(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            gemmWindow();
            peakWindow();
        }
    }

    private void serve() throws IOException {
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            System.out.printf("GFLOPS=%.3f%n", gemmWindow());
            System.out.flush();
        }
    }

    private void rounds(String label, int rounds, double window, double warmup) {
        double[] peak = new double[rounds];
        double[] sgemm = new double[rounds];
        double[] share = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                peak[r] = peakWindow();
                sgemm[r] = gemmWindow();
            } else {
                sgemm[r] = gemmWindow();
                peak[r] = peakWindow();
            }
            share[r] = sgemm[r] / peak[r];
        }
        System.out.printf("%s, %d thread(s), interleaved with the FMA peak: %d rounds of two %.2f s windows (AB BA ...), after %.0f s of warm-up%n",
                label, threads, rounds, window, warmup);
        System.out.println("peak:      " + Quartiles.of(peak).format("%.1f") + " GFLOP/s");
        System.out.println("GEMM:      " + Quartiles.of(sgemm).format("%.1f") + " GFLOP/s");
        Quartiles s = Quartiles.of(share);
        System.out.println("GEMM/peak: " + s.format("%.3f") + " (per round)");
        System.out.printf("SHARE_MEDIAN=%.3f%n", s.median());
    }

    /** GEMM calls for one window; GFLOP/s. */
    private double gemmWindow() {
        long t0 = System.nanoTime();
        long end = t0 + windowNanos;
        long calls = 0;
        long t;
        do {
            gemm.run();
            calls++;
            t = System.nanoTime();
        } while (t < end);
        return calls * (double) gemm.flops / (t - t0);
    }

    /** The FMA loop on every thread for one window; their summed GFLOP/s. */
    private double peakWindow() {
        Arrays.fill(peakCalls, 0);
        long t0 = System.nanoTime();
        peakDeadline = t0 + windowNanos;
        peakPool.forRange(threads, 1, this::peakThread);
        long t = System.nanoTime();
        return Arrays.stream(peakCalls).sum() * (double) FmaLoop.FLOPS_PER_CALL / (t - t0);
    }

    private void peakThread(int from, int to) {
        for (int i = from; i < to; i++) {
            float s = 0;
            long calls = 0;
            do {
                s += loop.run();
                calls++;
            } while (System.nanoTime() < peakDeadline);
            peakCalls[i] = calls;
            sink = s;
        }
    }

    private void close() {
        gemm.close();
        peakPool.close();
    }
}
