package dev.kiln.train;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training with dropout, dropConnect and batch norm stays reproducible: the seeded masks and the
 * batch statistics give byte-identical models at 1, 2 and 5 threads, and the exported model
 * (running statistics included) evaluates exactly like the trained one.
 */
class RegularizedTrainingJobTest {

    @TempDir
    static Path data;

    @BeforeAll
    static void generate() throws Exception {
        SyntheticIdx.write(data, 1000, 300, 11);
    }

    static TrainingSpec spec(int threads) {
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0.1, 0.3);
        List<LayerSpec> layers = List.of(
                LayerSpec.of("batchNorm"),
                LayerSpec.of("dropout", "rate", "0.1"),
                LayerSpec.of("dense", "units", "40"),
                LayerSpec.of("batchNorm"),
                LayerSpec.of("leakyRelu"),
                LayerSpec.of("dropout", "rate", "0.2"),
                LayerSpec.of("dropConnect", "units", "24", "rate", "0.3"),
                LayerSpec.of("tanh"),
                LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax"));
        return new TrainingSpec("reg", d, layers, "crossEntropy", OptimizerSpec.adam(), 2, 32, 7, threads, 0.9, 13);
    }

    @Test
    void sameModelBytesAtAnyThreadCountAndTheModelIsTheTrainedOne(@TempDir Path out) throws Exception {
        byte[] first = null;
        TrainingResult result = null;
        for (int threads : new int[] {1, 2, 5}) {
            Path dir = out.resolve("t" + threads);
            TrainingResult r = TrainingJob.run(spec(threads), dir, out.resolve("cache"), s -> { });
            byte[] bytes = Files.readAllBytes(dir.resolve("reg.onnx"));
            if (first == null) {
                first = bytes;
                result = r;
            } else {
                assertEquals(-1, Arrays.mismatch(first, bytes), threads + " threads");
                assertEquals(result.testAccuracy(), r.testAccuracy(), threads + " threads");
            }
        }
        assertTrue(result.testAccuracy() > 0.9, "learns the synthetic classes: " + result.testAccuracy());
        try (Parallel p = new Parallel(2)) {
            Network net = OnnxModelReader.read(out.resolve("t1").resolve("reg.onnx"), new Compute(KernelProvider.get(), p));
            var test = dev.kiln.data.IdxReader.read(data.resolve("test-images"), data.resolve("test-labels"), 10);
            assertEquals(result.testAccuracy(), Evaluation.of(net, test, 100).accuracy());
        }
    }
}
