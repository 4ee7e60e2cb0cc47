package dev.kiln.train;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.parallel.Parallel;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingJobTest {

    @TempDir
    static Path data;

    @BeforeAll
    static void generate() throws Exception {
        SyntheticIdx.write(data, 1200, 300, 5);
    }

    static TrainingSpec spec(int threads, OptimizerSpec opt) {
        return specOn(data, threads, opt);
    }

    /** Generates this test's data set into {@code dir}. */
    static void generateInto(Path dir) {
        try {
            SyntheticIdx.write(dir, 1200, 300, 5);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** This test's spec over the data in {@code data}. */
    static TrainingSpec specOn(Path data, int threads, OptimizerSpec opt) {
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0.1, 0.3);
        return new TrainingSpec("synth", d, List.of(LayerSpec.of("dense", "units", "24"), LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")), "crossEntropy", opt,
                3, 32, 7, threads, 0.9, 13);
    }

    @Test
    void trainsExportsAndReportsOnGeneratedData(@TempDir Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        List<EpochStats> seen = new ArrayList<>();
        TrainingResult r = TrainingJob.run(spec(2, OptimizerSpec.adam()), out, out.resolve("cache"), new TrainingListener() {
            @Override
            public void log(String line) {
                lines.add(line);
            }

            @Override
            public void epochEnded(EpochStats stats) {
                seen.add(stats);
            }
        });
        assertTrue(r.testAccuracy() > 0.95, "learns the synthetic classes: " + r.testAccuracy());
        assertEquals(3, r.epochs().size());
        assertEquals(r.epochs(), seen);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Epoch 3/3: train loss")), String.join("\n", lines));
        assertTrue(Files.isRegularFile(out.resolve("synth.onnx")));
        TrainingResult back = JsonReport.read(out.resolve("synth.json"));
        assertEquals(r.testAccuracy(), back.testAccuracy());
        assertEquals(KernelProvider.get().name(), back.kernels());
        // the exported model is the trained one: same test accuracy when read back
        try (Parallel p = new Parallel(1)) {
            Network net = OnnxModelReader.read(out.resolve("synth.onnx"), new Compute(KernelProvider.get(), p));
            var test = dev.kiln.data.IdxReader.read(data.resolve("test-images"), data.resolve("test-labels"), 10);
            assertEquals(r.testAccuracy(), Evaluation.of(net, test, 100).accuracy());
        }
    }

    @Test
    void sameModelBytesAtAnyThreadCount(@TempDir Path out) throws Exception {
        byte[] first = null;
        for (int threads : new int[] {1, 2, 5}) {
            Path dir = out.resolve("t" + threads);
            TrainingJob.run(spec(threads, OptimizerSpec.adam()), dir, out.resolve("cache"), s -> { });
            byte[] bytes = Files.readAllBytes(dir.resolve("synth.onnx"));
            if (first == null) {
                first = bytes;
            } else {
                assertEquals(-1, java.util.Arrays.mismatch(first, bytes), threads + " threads");
            }
        }
    }

    @Test
    void divergenceStopsTrainingAndWritesNoModel(@TempDir Path out) throws Exception {
        // a stale model from an earlier run must not survive a failed one
        Files.writeString(out.resolve("synth.onnx"), "old");
        DivergenceException e = assertThrows(DivergenceException.class, () ->
                TrainingJob.run(spec(2, OptimizerSpec.sgd().withLearningRate(1e6)), out, out.resolve("cache"), s -> { }));
        assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains("learning rate"), e.getMessage());
        assertFalse(Files.exists(out.resolve("synth.onnx")));
        assertFalse(Files.exists(out.resolve("synth.json")));
    }

    @Test
    void schedulesShapeTheRate() {
        OptimizerSpec cos = OptimizerSpec.adam().withSchedule("cosine", 1);
        assertEquals(0.001, cos.rateAt(1, 10), 1e-15);
        assertTrue(cos.rateAt(10, 10) < 0.0001 && cos.rateAt(10, 10) > 0);
        assertTrue(cos.rateAt(5, 10) < cos.rateAt(4, 10));
        OptimizerSpec exp = OptimizerSpec.adam().withSchedule("exponential", 0.5);
        assertEquals(0.00025, exp.rateAt(3, 10), 1e-15);
        assertEquals(0.001, OptimizerSpec.adam().rateAt(9, 10));
    }
}
