package dev.kiln.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    /** A trimmed JMH 1.37 result: the FMA peak at 1 thread and one SGEMM, as JMH writes them. */
    private static final String RESULT = """
            [
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.FmaPeakBenchmark.peak1", "mode": "thrpt",
               "threads": 1, "forks": 1, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
               "vmVersion": "17.0.15+6", "warmupIterations": 3, "warmupTime": "1 s",
               "measurementIterations": 5, "measurementTime": "1 s",
               "primaryMetric": {"score": 29000.0, "scoreError": 100.0, "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 1.8E11, "scoreError": 1.0E10, "scoreUnit": "ops/s",
                                              "rawData": [[1.7E11, 2.0E11, 1.8E11]]}}},
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.GemmBenchmark.square", "mode": "thrpt",
               "threads": 1, "forks": 1, "params": {"size": "1024", "threads": "1"},
               "primaryMetric": {"score": 10.0, "scoreError": "NaN", "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 4.0E10, "scoreError": "NaN", "scoreUnit": "ops/s",
                                              "rawData": [[3.0E10, 5.0E10]]}}},
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.GemmBenchmark.denseScalar", "mode": "thrpt",
               "threads": 1, "forks": 1, "params": {"shape": "NT:64x512x512", "threads": "2"},
               "primaryMetric": {"score": 10.0, "scoreError": 1.0, "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 1.0E9, "scoreError": 1.0E8, "scoreUnit": "ops/s",
                                              "rawData": [[1.0E9]]}}}
            ]
            """;

    @Test
    void reportsGflopsAndFractionOfPeakAtTheSameThreadCount() {
        String md = BenchReport.render(RESULT, List.of("Load: 0.1"));
        assertTrue(md.contains("JDK 17.0.15 (OpenJDK 64-Bit Server VM 17.0.15+6), JMH 1.37; 3 × 1 s warm-up, 5 × 1 s measured"), md);
        assertTrue(md.contains("\nLoad: 0.1\n"), md);
        assertTrue(md.contains("| 1 | 180.0 | 10.0 | 200.0 |"), md);
        // best SGEMM 50 GFLOP/s over best peak 200 GFLOP/s
        assertTrue(md.contains("| SGEMM square | 1024×1024×1024 | vector | 1 | 40.0 | — | 50.0 | 25% |"), md);
        // the threads parameter, not JMH's thread count, decides the peak; none measured at 2
        assertTrue(md.contains("| input gradient dY·Wᵀ | 64×512×512 | scalar | 2 | 1.0 | 0.1 | 1.0 | — |"), md);
    }

    /** The layer benchmarks: GEMM FLOP counters of the real layers, and a bytes counter for max-pool. */
    private static final String LAYERS = """
            [
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.FmaPeakBenchmark.peak1", "mode": "thrpt",
               "threads": 1, "forks": 1, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
               "vmVersion": "17.0.15+6", "warmupIterations": 1, "warmupTime": "1 s",
               "measurementIterations": 2, "measurementTime": "1 s",
               "primaryMetric": {"score": 29000.0, "scoreError": 100.0, "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 1.8E11, "scoreError": "NaN", "scoreUnit": "ops/s",
                                              "rawData": [[1.6E11, 2.0E11]]}}},
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.ConvBenchmark.backward", "mode": "thrpt",
               "threads": 1, "forks": 1, "params": {"layer": "conv2", "threads": "1"},
               "primaryMetric": {"score": 20.0, "scoreError": "NaN", "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 5.0E10, "scoreError": "NaN", "scoreUnit": "ops/s",
                                              "rawData": [[4.0E10, 6.0E10]]}}},
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.DenseLayerBenchmark.forward", "mode": "thrpt",
               "threads": 1, "forks": 1, "params": {"batch": "64", "layer": "784x512", "threads": "2"},
               "primaryMetric": {"score": 2000.0, "scoreError": 10.0, "scoreUnit": "ops/s"},
               "secondaryMetrics": {"flops": {"score": 1.0E11, "scoreError": 2.0E9, "scoreUnit": "ops/s",
                                              "rawData": [[1.0E11, 1.1E11]]}}},
              {"jmhVersion": "1.37", "benchmark": "dev.kiln.bench.MaxPoolBenchmark.forward", "mode": "thrpt",
               "threads": 1, "forks": 1, "params": {"threads": "1"},
               "primaryMetric": {"score": 1000.0, "scoreError": "NaN", "scoreUnit": "ops/s"},
               "secondaryMetrics": {"bytes": {"score": 1.2E10, "scoreError": "NaN", "scoreUnit": "ops/s",
                                              "rawData": [[1.0E10, 1.4E10]]},
                                    "elements": {"score": 2.5E9, "scoreError": "NaN", "scoreUnit": "ops/s",
                                                 "rawData": [[2.0E9, 3.0E9]]}}}
            ]
            """;

    @Test
    void reportsLayersWithTheFractionOfPeakAndMemoryBoundRunsInGbPerSecond() {
        String md = BenchReport.render(LAYERS, List.of());
        // best 60 over best peak 200 at 1 thread
        assertTrue(md.contains("| Conv2d conv2 | 32→64 3×3 on 26×26 (F×K×P 64×288×576), batch 64 | backward | 1 | 50.0 | — | 60.0 | 30% |"), md);
        // no peak at 2 threads; the first layer is marked
        assertTrue(md.contains("| Dense 784→512 (first) | batch 64 | forward | 2 | 100.0 | 2.0 | 110.0 | — |"), md);
        assertTrue(md.contains("| MaxPool2d | 64×24×24, window 2, batch 64 | forward | 1 | 12.0 | — | 14.0 | 2.50 |"), md);
        // layers are not GEMM rows, and without GEMM runs there is no (empty) GEMM table
        assertTrue(!md.contains("### GEMM"), md);
        int layers = md.indexOf("### Layers");
        assertTrue(layers >= 0 && md.indexOf("Conv2d conv2") > layers && md.indexOf("### Memory-bound") > layers, md);
    }

    @Test
    void marksScalarMaxPool() {
        String scalar = LAYERS.replace("\"params\": {\"threads\": \"1\"}", "\"params\": {\"kernels\": \"scalar\", \"threads\": \"1\"}");
        String md = BenchReport.render(scalar, List.of());
        assertTrue(md.contains("| MaxPool2d (scalar kernels) | 64×24×24, window 2, batch 64 | forward | 1 |"), md);
    }

    @Test
    void leavesOutLayerTablesWhenNoLayerRan() {
        String md = BenchReport.render(RESULT, List.of());
        assertTrue(!md.contains("### Layers") && !md.contains("### Memory-bound"), md);
    }

    @Test
    void parsesJsonValues() {
        Object v = Json.parse("{\"a\": [1, -2.5e3, \"x\\\"y\\u00e9\"], \"b\": true, \"c\": null, \"d\": {}}");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -2500.0, "x\"yé"), m.get("a"));
        assertEquals(Boolean.TRUE, m.get("b"));
        assertTrue(m.containsKey("c"));
        assertEquals(Map.of(), m.get("d"));
    }
}
