package dev.kiln.it;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.parallel.Parallel;
import dev.kiln.report.JsonReport;
import dev.kiln.train.EpochStats;
import dev.kiln.train.Evaluation;
import dev.kiln.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mnist-mlp example as a user runs it: a real Maven build trained it; here ONNX Runtime runs
 * the exported model on all 10,000 MNIST test images and must agree with the Kiln runtime.
 */
class MnistMlpExampleIT {

    private static final String NAME = "mnist-mlp";
    private static Path project;
    private static TrainingResult result;

    @BeforeAll
    static void load() {
        project = ItProjects.project("examples/" + NAME);
        result = JsonReport.read(project.resolve("target/dl/" + NAME + ".json"));
    }

    @Test
    void reportRecordsTheRun() {
        assertTrue(result.testAccuracy() >= 0.98, "gate: test accuracy " + result.testAccuracy());
        assertEquals(42, result.seed());
        assertEquals("vector", result.kernels(), "the forked trainer runs the Vector API kernels");
        assertTrue(result.threads() >= 1);
        assertEquals(10, result.epochs().size());
        for (int i = 0; i < result.epochs().size(); i++) {
            EpochStats e = result.epochs().get(i);
            assertEquals(i + 1, e.epoch());
            assertTrue(e.seconds() > 0 && e.imagesPerSecond() > 0, e.toString());
            assertTrue(Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()), e.toString());
        }
        assertEquals(result.testAccuracy(), result.epochs().get(9).testAccuracy());
    }

    @Test
    void buildLogShowsOneProgressLinePerEpoch() throws Exception {
        String log = ItProjects.buildLog("examples/" + NAME);
        for (int e = 1; e <= 10; e++) {
            assertTrue(log.contains("Epoch " + e + "/10: train loss"), "progress line for epoch " + e);
        }
        assertTrue(log.contains("images/s"), "throughput in the progress lines");
    }

    @Test
    void onnxModelIsAttachedAndInstalled() throws Exception {
        Path installed = Path.of(System.getProperty("kiln.it.localRepo"),
                "dev/kiln/examples/mnist-mlp/0.1.0-SNAPSHOT/mnist-mlp-0.1.0-SNAPSHOT-mnist-mlp.onnx");
        assertTrue(Files.isRegularFile(installed), "install shipped the attached model: " + installed);
        assertEquals(-1, Files.mismatch(installed, project.resolve("target/dl/" + NAME + ".onnx")));
    }

    @Test
    void onnxRuntimeAgreesWithKilnOnEveryTestImage() throws Exception {
        Path model = project.resolve("target/dl/" + NAME + ".onnx");
        ImageSet test = new DatasetCatalog(DatasetCatalog.defaultCacheDir(), s -> { }).load("mnist").test();
        int n = test.count();
        int px = test.pixelsPerImage();
        assertEquals(10_000, n);

        float[] kiln = new float[n * 10];
        try (Parallel parallel = new Parallel(2)) {
            Compute compute = new Compute(KernelProvider.get(), parallel);
            Network net = OnnxModelReader.read(model, compute);
            int batch = 500;
            for (int s = 0; s < n; s += batch) {
                float[] p = net.predict(net.loadInput(test.pixels(), null, s, batch), batch);
                System.arraycopy(p, 0, kiln, s * 10, batch * 10);
            }
        }

        float[] raw = new float[n * px];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = test.pixels()[i] & 0xFF;
        }
        float[] ort = new float[n * 10];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {n, 1, 28, 28});
             OrtSession.Result out = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            FloatBuffer probs = ((OnnxTensor) out.get(0)).getFloatBuffer();
            probs.get(ort);
        }

        double maxDiff = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int a = Evaluation.argmax(ort, i * 10, 10);
            int b = Evaluation.argmax(kiln, i * 10, 10);
            assertEquals(b, a, "argmax of image " + i);
            if (a == test.label(i)) {
                correct++;
            }
            for (int j = 0; j < 10; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[i * 10 + j] - kiln[i * 10 + j]));
            }
        }
        System.out.printf("ONNX Runtime vs Kiln on %d MNIST test images: argmax equal on all, max |p_ort - p_kiln| = %.3g, "
                + "ORT accuracy %.4f, recorded %.4f%n", n, maxDiff, (double) correct / n, result.testAccuracy());
        assertTrue(maxDiff <= 1e-4, "max |p_ort - p_kiln| = " + maxDiff);
        assertEquals(result.testAccuracy(), (double) correct / n, "ORT accuracy equals the recorded testAccuracy");
    }
}
