package dev.kiln.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH's JSON result ({@code -rf json}) of {@link FmaPeakBenchmark}, {@link GemmBenchmark},
 * {@link ConvBenchmark}, {@link DenseLayerBenchmark} and {@link MaxPoolBenchmark} into markdown
 * tables: GFLOP/s of every run (the {@code flops} counter / 10<sup>9</sup>, mean and fastest
 * iteration) and, for the GEMMs and the layers, the fraction of the measured FMA peak at the same
 * thread count (fastest iteration over fastest FMA-peak iteration, the estimate least disturbed by
 * other work on a shared machine), when the same file holds an FMA peak for that count. Memory-bound
 * runs (the {@code bytes} counter, {@link ByteCounter}) get GB/s and elements per second instead.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.kiln.bench.BenchReport jmh.json [--out report.md] [--note TEXT]...
 * </pre>
 */
public final class BenchReport {

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        Path in = null;
        Path out = null;
        List<String> notes = new ArrayList<>();
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--out" -> out = Path.of(args[++a]);
                case "--note" -> notes.add(args[++a]);
                default -> in = Path.of(args[a]);
            }
        }
        if (in == null) {
            System.err.println("usage: BenchReport <jmh-result.json> [--out report.md] [--note TEXT]...");
            System.exit(2);
        }
        String md = render(Files.readString(in, StandardCharsets.UTF_8), notes);
        if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
        }
        System.out.print(md);
    }

    /** Which table a run belongs in. */
    enum Kind { PEAK, GEMM, LAYER, MEMORY }

    /**
     * One benchmark run as the report needs it. For {@link Kind#MEMORY} runs {@code gflops},
     * {@code gflopsError} and {@code best} are GB/s, and {@code gelements} giga-elements per second;
     * for the others {@code gelements} is NaN.
     */
    record Row(Kind kind, String benchmark, String method, Map<String, String> params, int threads,
               double gflops, double gflopsError, double best, double gelements, String kernels, String product,
               String shape) {
    }

    /** The markdown report of a JMH JSON result. */
    static String render(String json, List<String> notes) {
        List<?> runs = (List<?>) Json.parse(json);
        List<Row> rows = new ArrayList<>();
        List<Row> layers = new ArrayList<>();
        List<Row> memory = new ArrayList<>();
        Map<Integer, Row> peak = new TreeMap<>();
        Map<?, ?> first = runs.isEmpty() ? Map.of() : (Map<?, ?>) runs.get(0);
        for (Object o : runs) {
            Row r = row((Map<?, ?>) o);
            if (r == null) {
                continue;
            }
            switch (r.kind()) {
                case PEAK -> peak.put(r.threads(), r);
                case GEMM -> rows.add(r);
                case LAYER -> layers.add(r);
                case MEMORY -> memory.add(r);
                default -> throw new IllegalStateException(r.kind().toString());
            }
        }

        StringBuilder sb = new StringBuilder();
        sb.append("## Kernel benchmarks (JMH)\n\n");
        if (!first.isEmpty()) {
            sb.append(String.format(Locale.ROOT,
                    "JDK %s (%s %s), JMH %s; %d × %s warm-up, %d × %s measured, %d fork(s); "
                            + "± is JMH's 99.9%% confidence half-width.%n",
                    first.get("jdkVersion"), first.get("vmName"), first.get("vmVersion"), first.get("jmhVersion"),
                    (int) num(first.get("warmupIterations")), first.get("warmupTime"),
                    (int) num(first.get("measurementIterations")), first.get("measurementTime"), (int) num(first.get("forks"))));
        }
        for (String n : notes) {
            sb.append('\n').append(n).append('\n');
        }
        sb.append("\nGFLOP/s is the mean over the measured iterations; *best* is the fastest iteration, the one least "
                + "disturbed by other work on the machine. *Of FMA peak* is best GEMM (or layer) iteration / best "
                + "FMA-peak iteration at the same thread count; it is only meaningful when both ran under the same "
                + "load (the same run on a quiet machine).\n");
        sb.append("\n### Measured FMA peak\n\n| threads | GFLOP/s | ± | best |\n|---:|---:|---:|---:|\n");
        if (peak.isEmpty()) {
            sb.append("| — | (no FmaPeakBenchmark in this result) | |\n");
        }
        for (Row p : peak.values()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.1f | %s | %.1f |%n", p.threads(), p.gflops(),
                    err(p.gflopsError()), p.best()));
        }
        if (!rows.isEmpty() || (layers.isEmpty() && memory.isEmpty())) {
            sb.append("\n### GEMM (`Kernels.gemm` on `Parallel`, split like `Compute.gemm`: rows, or column strips when short and wide)\n\n")
                    .append("| product | m×n×k | kernels | threads | GFLOP/s | ± | best | of FMA peak |\n")
                    .append("|---|---|---|---:|---:|---:|---:|---:|\n");
        }
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %s | %.1f | %s |%n",
                    r.product(), r.shape(), r.kernels(), r.threads(), r.gflops(), err(r.gflopsError()), r.best(),
                    ofPeak(r, peak)));
        }
        if (!layers.isEmpty()) {
            sb.append("\n### Layers (`Conv2d`, `Dense` through the real classes, training forward and backward)\n\n")
                    .append("GFLOP/s counts the GEMMs of the call only (2·F·K·P per sample and GEMM for a convolution, ")
                    .append("2·batch·in·out for a dense layer; forward one GEMM, backward two, one for a first layer, ")
                    .append("which computes no input gradient); im2col, col2im, transpositions and biases take time ")
                    .append("but count no FLOP.\n\n")
                    .append("| layer | shape | pass | threads | GFLOP/s | ± | best | of FMA peak |\n")
                    .append("|---|---|---|---:|---:|---:|---:|---:|\n");
            for (Row r : layers) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %s | %.1f | %s |%n",
                        r.product(), r.shape(), r.method(), r.threads(), r.gflops(), err(r.gflopsError()), r.best(),
                        ofPeak(r, peak)));
            }
        }
        if (!memory.isEmpty()) {
            sb.append("\n### Memory-bound layers\n\n")
                    .append("GB/s counts the bytes the call must read and write at least; Gelem/s is input elements per second.\n\n")
                    .append("| layer | shape | pass | threads | GB/s | ± | best | Gelem/s |\n")
                    .append("|---|---|---|---:|---:|---:|---:|---:|\n");
            for (Row r : memory) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %s | %.1f | %.2f |%n",
                        r.product(), r.shape(), r.method(), r.threads(), r.gflops(), err(r.gflopsError()), r.best(),
                        r.gelements()));
            }
        }
        return sb.toString();
    }

    /** Best iteration over the best FMA-peak iteration at the run's thread count, or a dash. */
    private static String ofPeak(Row r, Map<Integer, Row> peak) {
        Row p = peak.get(r.threads());
        return p == null ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * r.best() / p.best());
    }

    private static Row row(Map<?, ?> run) {
        String full = (String) run.get("benchmark");
        int dot = full.lastIndexOf('.');
        String benchmark = full.substring(0, dot);
        String method = full.substring(dot + 1);
        Map<String, String> params = new TreeMap<>();
        if (run.get("params") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
        }
        Map<?, ?> secondary = (Map<?, ?>) run.get("secondaryMetrics");
        Map<?, ?> flops = secondary == null ? null : (Map<?, ?>) secondary.get("flops");
        Map<?, ?> bytes = secondary == null ? null : (Map<?, ?>) secondary.get("bytes");
        Map<?, ?> metric = flops != null ? flops : bytes;
        if (metric == null) {
            return null;
        }
        double gflops = num(metric.get("score")) / 1e9;
        double error = num(metric.get("scoreError")) / 1e9;
        double gelements = Double.NaN;
        if (flops == null && secondary.get("elements") instanceof Map<?, ?> e) {
            gelements = num(e.get("score")) / 1e9;
        }
        double best = Double.NaN;
        if (metric.get("rawData") instanceof List<?> forks) {
            for (Object f : forks) {
                for (Object v : (List<?>) f) {
                    double x = num(v) / 1e9;
                    best = Double.isNaN(best) ? x : Math.max(best, x);
                }
            }
        }
        int threads = params.containsKey("threads") ? Integer.parseInt(params.get("threads"))
                : (int) num(run.get("threads"));
        String kernels = method.toLowerCase(Locale.ROOT).contains("scalar") || "scalar".equals(params.get("kernels"))
                ? "scalar" : "vector";
        String product;
        String shape;
        Kind kind = flops == null ? Kind.MEMORY : Kind.GEMM;
        if (benchmark.endsWith("FmaPeakBenchmark")) {
            kind = Kind.PEAK;
            product = method;
            shape = "—";
        } else if (benchmark.endsWith("ConvBenchmark")) {
            kind = Kind.LAYER;
            String layer = params.getOrDefault("layer", "?");
            ConvBenchmark.Shape s = ConvBenchmark.LAYERS.get(layer);
            product = "Conv2d " + layer;
            shape = (s == null ? "?" : s.describe()) + ", batch " + ConvBenchmark.BATCH;
        } else if (benchmark.endsWith("DenseLayerBenchmark")) {
            kind = Kind.LAYER;
            String layer = params.getOrDefault("layer", "?");
            product = "Dense " + layer.replace('x', '→') + (DenseLayerBenchmark.FIRST.equals(layer) ? " (first)" : "");
            shape = "batch " + params.getOrDefault("batch", "?");
        } else if (benchmark.endsWith("MaxPoolBenchmark")) {
            product = "MaxPool2d" + ("scalar".equals(kernels) ? " (scalar kernels)" : "");
            shape = MaxPoolBenchmark.CHANNELS + "×" + MaxPoolBenchmark.SIZE + "×" + MaxPoolBenchmark.SIZE + ", window "
                    + MaxPoolBenchmark.WINDOW + ", batch " + MaxPoolBenchmark.BATCH;
        } else if (params.containsKey("size")) {
            String n = params.get("size");
            product = "SGEMM square";
            shape = n + "×" + n + "×" + n;
        } else if (params.containsKey("shape")) {
            String[] opDims = params.get("shape").split(":");
            product = switch (opDims[0]) {
                case "NN" -> "forward X·W";
                case "TN" -> "weight gradient Xᵀ·dY";
                case "NT" -> "input gradient dY·Wᵀ";
                default -> opDims[0];
            };
            shape = opDims[1].replace('x', '×');
        } else {
            product = method;
            shape = "—";
        }
        return new Row(kind, benchmark, method, params, threads, gflops, error, best, gelements, kernels, product, shape);
    }

    private static String err(double e) {
        return Double.isFinite(e) ? String.format(Locale.ROOT, "%.1f", e) : "—";
    }

    /** JMH writes numbers as numbers, and NaN or infinities as strings. */
    private static double num(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
