package dev.kiln.maven;

import dev.kiln.data.DatasetDigests;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.EpochStats;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingResult;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision alone: which differences retrain, which don't, and how the log explains it. */
class UpToDateTest {

    @TempDir
    Path dir;

    private TrainingSpec spec;
    private Path model;
    private Path report;
    private final Map<String, String> mnist = DatasetDigests.catalog("mnist");

    @BeforeEach
    void earlierRun() throws Exception {
        TrainMojo m = TrainMojoSpecTest.withDefaults();
        m.modelName = "tiny";
        m.epochs = 1;
        m.threads = 2;
        spec = m.toSpec();
        model = dir.resolve("tiny.onnx");
        report = dir.resolve("tiny.json");
        record(spec, mnist, "0.1.0");
    }

    private void record(TrainingSpec s, Map<String, String> data, String version) throws Exception {
        Files.write(model, FakeSuccessTrainer.minimalModel(s));
        JsonReport.write(new TrainingResult(s.modelName(), model, null, "mnist", 0.91, 0.3, 2, 42, "vector",
                s.fingerprint(), new int[][] {{9, 1}, {0, 10}}, List.of(new EpochStats(1, 1, 1, 1, 1, 0.91)),
                new Provenance(version, data)), report);
    }

    private UpToDate.Decision check(TrainingSpec s, Map<String, String> data, String version) {
        return UpToDate.check(s, model, report, () -> data, version);
    }

    @Test
    void sameSpecDataAndVersionIsUpToDateWithTheRecordedMetrics() {
        UpToDate.Decision d = check(spec, mnist, "0.1.0");
        assertTrue(d.upToDate(), d.reasons().toString());
        assertNotNull(d.recorded());
        assertEquals(0.91, d.recorded().testAccuracy());
        assertEquals("Model 'tiny' is up to date (spec fingerprint " + spec.fingerprint().substring(0, 12)
                + ", dataset mnist " + DatasetDigests.combined(mnist).substring(0, 12)
                + ", Kiln 0.1.0); -Ddl.force to retrain", d.message(spec));
    }

    @Test
    void threadsAndTheGateDoNotRetrain() {
        TrainingSpec other = new TrainingSpec(spec.modelName(), spec.data(), spec.layers(), spec.loss(),
                spec.optimizer(), spec.epochs(), spec.batchSize(), spec.seed(), 7, 0.99, spec.opset());
        assertTrue(check(other, mnist, "0.1.0").upToDate());
    }

    @Test
    void aChangedSettingRetrainsAndSaysWhatChanged() {
        TrainingSpec more = spec.withEpochs(2);
        UpToDate.Decision d = check(more, mnist, "0.1.0");
        assertFalse(d.upToDate());
        assertEquals("Model 'tiny' is out of date, retraining: epochs 1 -> 2 (spec fingerprint "
                + spec.fingerprint().substring(0, 12) + " -> " + more.fingerprint().substring(0, 12) + ")",
                d.message(more));
    }

    @Test
    void aChangedLayerIsNamedLikeThePom() throws Exception {
        TrainMojo m = TrainMojoSpecTest.withDefaults();
        m.modelName = "tiny";
        m.epochs = 1;
        m.layers = List.of(new Layer("dense", 64, null), new Layer("relu", null, null),
                new Layer("dense", 10, null), new Layer("softmax", null, null));
        UpToDate.Decision d = check(m.toSpec(), mnist, "0.1.0");
        assertTrue(d.reasons().get(0).startsWith("layer #1 units 128 -> 64 (spec fingerprint"), d.reasons().toString());
    }

    @Test
    void changedDataFilesRetrain() {
        Map<String, String> edited = new LinkedHashMap<>(mnist);
        edited.put(DatasetDigests.TEST_LABELS, "ab".repeat(32));
        UpToDate.Decision d = check(spec, edited, "0.1.0");
        assertFalse(d.upToDate());
        assertEquals(List.of("dataset testLabels sha256 " + mnist.get("testLabels").substring(0, 12) + " -> abababababab"),
                d.reasons());
    }

    @Test
    void anotherKilnVersionRetrains() {
        UpToDate.Decision d = check(spec, mnist, "0.2.0");
        assertEquals(List.of("Kiln version 0.1.0 -> 0.2.0"), d.reasons());
    }

    @Test
    void missingModelOrReportIsAFirstRun() throws Exception {
        Files.delete(report);
        UpToDate.Decision d = check(spec, mnist, "0.1.0");
        assertTrue(d.fresh());
        assertEquals("Model 'tiny' needs training: no report at " + report + " from an earlier run", d.message(spec));
        Files.delete(model);
        assertEquals(List.of("no model at " + model + " yet"), check(spec, mnist, "0.1.0").reasons());
    }

    @Test
    void aReplacedModelFileRetrains() throws Exception {
        Files.write(model, FakeSuccessTrainer.minimalModel(spec.withEpochs(5)));
        UpToDate.Decision d = check(spec, mnist, "0.1.0");
        assertFalse(d.upToDate());
        assertTrue(d.reasons().get(0).startsWith("the model file's fingerprint"), d.reasons().toString());
        Files.write(model, new byte[] {1, 2, 3});
        assertTrue(check(spec, mnist, "0.1.0").reasons().get(0).contains("not a readable ONNX model"));
    }

    @Test
    void aReportWithoutProvenanceRetrains() throws Exception {
        JsonReport.write(new TrainingResult("tiny", model, null, "mnist", 0.91, 0.3, 2, 42, "vector",
                spec.fingerprint(), new int[][] {{1}}, List.of()), report);
        assertTrue(check(spec, mnist, "0.1.0").reasons().get(0).contains("written by an older Kiln"));
        Files.writeString(report, "{not json");
        assertTrue(check(spec, mnist, "0.1.0").reasons().get(0).startsWith("the earlier report is unreadable"));
    }

    @Test
    void aDatasetThatCannotBeHashedRetrains() {
        UpToDate.Decision d = UpToDate.check(spec, model, report, () -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("gone"));
        }, "0.1.0");
        assertFalse(d.upToDate());
        assertTrue(d.reasons().get(0).startsWith("cannot hash the dataset files"), d.reasons().toString());
    }
}
