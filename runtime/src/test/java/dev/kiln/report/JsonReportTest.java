package dev.kiln.report;

import dev.kiln.train.EpochStats;
import dev.kiln.train.TrainingResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonReportTest {

    @TempDir
    Path dir;

    private TrainingResult sample(Path model, double lastLoss) {
        return new TrainingResult("mnist-mlp", model, null, "mnist", 0.9712, lastLoss, 8, 42L, "vector",
                "ab12", new int[][] {{5, 1}, {0, 7}},
                List.of(new EpochStats(1, 2.5, 24000.0, 0.41, 0.22, 0.93),
                        new EpochStats(2, 2.25, 26666.6, 0.19, lastLoss, 0.9712)));
    }

    @Test
    void roundTrip() throws IOException {
        Path file = dir.resolve("out/mnist-mlp.json");
        TrainingResult r = sample(dir.resolve("out/mnist-mlp.onnx"), 0.1);
        JsonReport.write(r, file);

        TrainingResult back = JsonReport.read(file);
        assertEquals(r.modelName(), back.modelName());
        assertEquals(r.model().toAbsolutePath(), back.model());
        assertEquals(file, back.report());
        assertEquals(r.dataset(), back.dataset());
        assertEquals(r.testAccuracy(), back.testAccuracy());
        assertEquals(r.testLoss(), back.testLoss());
        assertEquals(r.threads(), back.threads());
        assertEquals(r.seed(), back.seed());
        assertEquals(r.kernels(), back.kernels());
        assertEquals(r.fingerprint(), back.fingerprint());
        assertArrayEquals(r.confusion(), back.confusion());
        assertEquals(r.epochs(), back.epochs());

        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void reportIsReadableLikeAnyOtherOutputFile() throws IOException {
        Path file = dir.resolve("perm.json");
        JsonReport.write(sample(dir.resolve("m.onnx"), 0.1), file);
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                    "a temp file's owner-only permissions must not leak into the report");
        }
    }

    @Test
    void keysAppearInTheDocumentedOrder() throws IOException {
        Path file = dir.resolve("r.json");
        JsonReport.write(sample(dir.resolve("m.onnx"), 0.1), file);
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(file));
        assertEquals(List.of("modelName", "model", "dataset", "testAccuracy", "testLoss", "threads", "seed",
                "kernels", "fingerprint", "confusionMatrix", "epochs"), List.copyOf(m.keySet()));
        Map<?, ?> epoch = (Map<?, ?>) ((List<?>) m.get("epochs")).get(0);
        assertEquals(List.of("epoch", "seconds", "imagesPerSecond", "trainLoss", "testLoss", "testAccuracy"),
                List.copyOf(epoch.keySet()));
    }

    @Test
    void nonFiniteLossSurvivesAsNaN() {
        Path file = dir.resolve("nan.json");
        JsonReport.write(sample(dir.resolve("m.onnx"), Double.NaN), file);
        TrainingResult back = JsonReport.read(file);
        assertTrue(Double.isNaN(back.testLoss()));
        assertTrue(Double.isNaN(back.epochs().get(1).testLoss()));
    }

    @Test
    void overwritesAnOlderReport() {
        Path file = dir.resolve("r.json");
        JsonReport.write(sample(dir.resolve("m.onnx"), 0.5), file);
        JsonReport.write(sample(dir.resolve("m.onnx"), 0.25), file);
        assertEquals(0.25, JsonReport.read(file).testLoss());
    }

    @Test
    void errorsNameTheFileAndTheKey() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"modelName\": \"m\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read(file));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("not valid JSON")
                && e.getMessage().contains("line 1"), e.getMessage());

        JsonReport.write(sample(dir.resolve("m.onnx"), 0.1), file);
        Files.writeString(file, Files.readString(file).replace("\"testAccuracy\": 0.9712,", "\"testAccuracy\": \"high\","));
        e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read(file));
        assertTrue(e.getMessage().contains("'testAccuracy' must be a number, got the string \"high\""), e.getMessage());

        Files.writeString(file, "{\"modelName\": \"m\"}");
        e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read(file));
        assertTrue(e.getMessage().contains("'model' is missing"), e.getMessage());

        RuntimeException io = assertThrows(RuntimeException.class, () -> JsonReport.read(dir.resolve("absent.json")));
        assertTrue(io.getMessage().contains("absent.json"), io.getMessage());
    }
}
