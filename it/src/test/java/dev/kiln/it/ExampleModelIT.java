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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples as a user builds them: a real Maven build trained each one; here its outputs are
 * checked, and ONNX Runtime runs the exported model on all 10,000 test images and must agree
 * with the Kiln runtime.
 */
class ExampleModelIT {

    /**
     * A project invoker built, the dataset it trains on, and the epochs and gate of that build.
     *
     * @param dir folder under the invoker clone root (one per invoker execution, see it/pom.xml)
     */
    record Example(String dir, String name, String dataset, int epochs, double gate) {
        Path project() {
            return ItProjects.project(dir + "/" + name);
        }

        TrainingResult result() {
            return JsonReport.read(project().resolve("target/dl/" + name + ".json"));
        }

        Path model() {
            return project().resolve("target/dl/" + name + ".onnx");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Epochs and gates as the it module's invoker executions run them (see it/pom.xml). */
    static Stream<Example> examples() {
        return Stream.of(
                new Example("examples", "mnist-mlp", "mnist", 10, 0.98),
                new Example("cnn-examples", "mnist-cnn", "mnist", 1, 0.9),
                new Example("fashion-example", "fashion-mnist", "fashion-mnist", 1, 0.75),
                new Example("projects", "cnn-variety", "mnist", 2, 0.8),
                new Example("projects", "global-pool", "fashion-mnist", 2, 0.4));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void reportRecordsTheRun(Example ex) {
        TrainingResult result = ex.result();
        assertTrue(result.testAccuracy() >= ex.gate(), "gate: test accuracy " + result.testAccuracy());
        assertEquals(42, result.seed());
        assertEquals(ex.dataset(), result.dataset());
        assertEquals("vector", result.kernels(), "the forked trainer runs the Vector API kernels");
        assertTrue(result.threads() >= 1);
        assertEquals(ex.epochs(), result.epochs().size());
        for (int i = 0; i < result.epochs().size(); i++) {
            EpochStats e = result.epochs().get(i);
            assertEquals(i + 1, e.epoch());
            assertTrue(e.seconds() > 0 && e.imagesPerSecond() > 0, e.toString());
            assertTrue(Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()), e.toString());
        }
        assertEquals(result.testAccuracy(), result.epochs().get(ex.epochs() - 1).testAccuracy());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void buildLogShowsOneProgressLinePerEpoch(Example ex) throws Exception {
        String log = ItProjects.buildLog(ex.dir() + "/" + ex.name());
        for (int e = 1; e <= ex.epochs(); e++) {
            assertTrue(log.contains("Epoch " + e + "/" + ex.epochs() + ": train loss"), "progress line for epoch " + e);
        }
        assertTrue(log.contains("images/s"), "throughput in the progress lines");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void onnxModelIsAttachedAndInstalled(Example ex) throws Exception {
        Path installed = Path.of(System.getProperty("kiln.it.localRepo"), "dev/kiln/examples", ex.name(),
                "0.1.0-SNAPSHOT", ex.name() + "-0.1.0-SNAPSHOT-" + ex.name() + ".onnx");
        assertTrue(Files.isRegularFile(installed), "install shipped the attached model: " + installed);
        assertEquals(-1, Files.mismatch(installed, ex.model()));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void onnxRuntimeAgreesWithKilnOnEveryTestImage(Example ex) throws Exception {
        ImageSet test = new DatasetCatalog(DatasetCatalog.defaultCacheDir(), s -> { }).load(ex.dataset()).test();
        int n = test.count();
        int px = test.pixelsPerImage();
        assertEquals(10_000, n);

        float[] kiln = new float[n * 10];
        try (Parallel parallel = new Parallel(2)) {
            Network net = OnnxModelReader.read(ex.model(), new Compute(KernelProvider.get(), parallel));
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
        try (OrtSession session = env.createSession(ex.model().toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {n, 1, 28, 28});
             OrtSession.Result out = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            ((OnnxTensor) out.get(0)).getFloatBuffer().get(ort);
        }

        double maxDiff = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int a = Evaluation.argmax(ort, i * 10, 10);
            assertEquals(Evaluation.argmax(kiln, i * 10, 10), a, "argmax of image " + i);
            if (a == test.label(i)) {
                correct++;
            }
            for (int j = 0; j < 10; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[i * 10 + j] - kiln[i * 10 + j]));
            }
        }
        double recorded = ex.result().testAccuracy();
        System.out.printf("%s: ONNX Runtime vs Kiln on %d test images: argmax equal on all, max |p_ort - p_kiln| = %.3g, "
                + "ORT accuracy %.4f, recorded %.4f%n", ex.name(), n, maxDiff, (double) correct / n, recorded);
        assertTrue(maxDiff <= 1e-4, "max |p_ort - p_kiln| = " + maxDiff);
        assertEquals(recorded, (double) correct / n, "ORT accuracy equals the recorded testAccuracy");
    }
}
