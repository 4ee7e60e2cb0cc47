package dev.kiln.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forked path end to end, with a fake trainer in place of TrainMain. */
class TrainMojoForkTest {

    @TempDir
    Path dir;

    private final List<String> attached = new ArrayList<>();
    private final List<String> info = new ArrayList<>();

    private TrainMojo mojo(String accuracy) {
        TrainMojo m = TrainMojoSpecTest.withDefaults();
        m.modelName = "mnist-mlp";
        m.epochs = 2;
        m.outputDirectory = dir.resolve("target/dl").toFile();
        m.datasets = dir.resolve("cache").toFile();
        m.maxHeap = "256m";
        m.jvmArgs = List.of("-Dfake.accuracy=" + accuracy);
        m.forkMainClass = FakeSuccessTrainer.class.getName();
        m.extraClasspath = List.of(ForkCommand.codeSource(FakeSuccessTrainer.class));
        m.project = new MavenProject();
        m.projectHelper = new RecordingHelper();
        m.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }
        });
        return m;
    }

    @Test
    void successStreamsProgressReadsTheReportAndAttachesTheModel() throws Exception {
        TrainMojo m = mojo("0.9712");
        m.minAccuracy = 0.95;
        m.execute();
        Path onnx = dir.resolve("target/dl/mnist-mlp.onnx").toAbsolutePath();
        assertTrue(info.contains("Epoch 1/2: train loss 0.5000, test loss 0.4000, test accuracy 0.9712, 1000 images/s, 0.1 s"), info.toString());
        assertEquals("Model 'mnist-mlp' trained: test accuracy 0.9712 (>= minAccuracy 0.95), test loss 0.4000, 2 epochs -> " + onnx,
                info.get(info.size() - 1));
        assertEquals(List.of("onnx:mnist-mlp:" + onnx), attached);
        assertTrue(Files.isRegularFile(dir.resolve("target/dl/mnist-mlp.spec")), "spec kept for replaying the run");
    }

    @Test
    void perClassGateFailsNamingTheClassAndEveryGateIsAJUnitTestcase() throws Exception {
        TrainMojo m = mojo("0.9712");
        m.minAccuracy = 0.9;
        m.minClassAccuracy = 0.95;
        m.execute(); // the fake's confusion matrix is {{1}}: class 0 is 100 % right
        String xml = Files.readString(dir.resolve("target/dl/mnist-mlp-gates.xml"));
        assertTrue(xml.contains("<testsuite name=\"dl.train.mnist-mlp\" tests=\"2\" failures=\"0\""), xml);
        assertTrue(xml.contains("name=\"class 0 accuracy &gt;= 0.95\""), xml);

        TrainMojo bad = mojo("0.9712");
        bad.minClassAccuracy = 1.5;
        assertEquals("Invalid <minClassAccuracy> (-Ddl.minClassAccuracy): must be between 0 and 1 (e.g. 0.9), got 1.5",
                assertThrows(org.apache.maven.plugin.MojoExecutionException.class, bad::execute).getMessage());
    }

    @Test
    void aMissedGateIsAFailedTestcaseInTheGateReport() throws Exception {
        TrainMojo m = mojo("0.9712");
        m.minAccuracy = 0.9999;
        assertThrows(MojoFailureException.class, m::execute);
        String xml = Files.readString(dir.resolve("target/dl/mnist-mlp-gates.xml"));
        assertTrue(xml.contains("<failure message=\"Model &apos;mnist-mlp&apos; missed its accuracy gate: test accuracy 0.9712"
                + " &lt; minAccuracy 0.9999"), xml);
    }

    @Test
    void missingTheGateFailsTheBuildAndAttachesNothing() {
        TrainMojo m = mojo("0.9712");
        m.minAccuracy = 0.9999;
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertEquals("Model 'mnist-mlp' missed its accuracy gate: test accuracy 0.9712 < minAccuracy 0.9999 (model: "
                + dir.resolve("target/dl/mnist-mlp.onnx").toAbsolutePath() + ")", e.getMessage());
        assertEquals(List.of(), attached);
    }

    private long epochLines() {
        return info.stream().filter(l -> l.startsWith("Epoch ")).count();
    }

    @Test
    void aSecondRunReusesTheModelRegatesAndStillAttaches() throws Exception {
        mojo("0.9712").execute();
        assertEquals(2, epochLines());
        info.clear();
        attached.clear();

        TrainMojo again = mojo("0.5");
        again.minAccuracy = 0.96;
        again.threads = 1; // neither threads nor the gate are part of the fingerprint
        again.execute();
        assertEquals(0, epochLines(), "not retrained: " + info);
        assertTrue(info.get(1).startsWith("Model 'mnist-mlp' is up to date (spec fingerprint "), info.toString());
        assertTrue(info.get(1).endsWith("); -Ddl.force to retrain"), info.get(1));
        Path onnx = dir.resolve("target/dl/mnist-mlp.onnx").toAbsolutePath();
        assertEquals("Model 'mnist-mlp' up to date, recorded: test accuracy 0.9712 (>= minAccuracy 0.96), test loss 0.4000,"
                + " 2 epochs -> " + onnx, info.get(info.size() - 1));
        assertEquals(List.of("onnx:mnist-mlp:" + onnx), attached);

        TrainMojo stricter = mojo("0.5");
        stricter.minAccuracy = 0.99;
        MojoFailureException e = assertThrows(MojoFailureException.class, stricter::execute);
        assertTrue(e.getMessage().startsWith("Model 'mnist-mlp' missed its accuracy gate: test accuracy 0.9712 < minAccuracy 0.99"),
                e.getMessage());
        assertEquals(0, epochLines(), "the recorded metrics were gated, nothing retrained");
    }

    @Test
    void aChangeOrForceRetrains() throws Exception {
        mojo("0.9712").execute();
        info.clear();
        TrainMojo longer = mojo("0.9712");
        longer.epochs = 3;
        longer.execute();
        assertTrue(info.get(1).startsWith("Model 'mnist-mlp' is out of date, retraining: epochs 2 -> 3 (spec fingerprint "),
                info.toString());
        assertEquals(3, epochLines());
        info.clear();
        TrainMojo forced = mojo("0.9712");
        forced.epochs = 3;
        forced.force = true;
        forced.execute();
        assertEquals("Model 'mnist-mlp': retraining because -Ddl.force is set", info.get(1));
        assertEquals(3, epochLines());
    }

    private final class RecordingHelper implements MavenProjectHelper {
        @Override
        public void attachArtifact(MavenProject project, String type, String classifier, File file) {
            attached.add(type + ":" + classifier + ":" + file.getAbsolutePath());
        }

        @Override
        public void attachArtifact(MavenProject project, File file, String classifier) {
            throw new AssertionError("type must be given");
        }

        @Override
        public void attachArtifact(MavenProject project, String type, File file) {
            throw new AssertionError("classifier must be given");
        }

        @Override
        public void addResource(MavenProject project, String dir, List<String> includes, List<String> excludes) {
        }

        @Override
        public void addTestResource(MavenProject project, String dir, List<String> includes, List<String> excludes) {
        }
    }
}
