package dev.kiln.maven;

import dev.kiln.train.EpochStats;
import dev.kiln.train.TrainingResult;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AccuracyGateTest {

    private static final Path MODEL = Path.of("target", "dl", "mnist-mlp.onnx").toAbsolutePath();

    private static TrainingResult result(double accuracy) {
        return new TrainingResult("mnist-mlp", MODEL, null, "mnist", accuracy, 0.0912, 4, 42, "vector", "f",
                new int[0][], List.of(new EpochStats(1, 3.0, 20000, 0.3, 0.0912, accuracy)));
    }

    @Test
    void missingTheGateFailsWithModelNumbersAndFile() {
        MojoFailureException e = assertThrows(MojoFailureException.class,
                () -> AccuracyGate.check("mnist-mlp", result(0.9712), 0.9999, MODEL));
        assertEquals("Model 'mnist-mlp' missed its accuracy gate: test accuracy 0.9712 < minAccuracy 0.9999 (model: "
                + MODEL + ")", e.getMessage());
    }

    @Test
    void reachingTheGateOrHavingNonePasses() {
        assertDoesNotThrow(() -> AccuracyGate.check("m", result(0.98), 0.98, MODEL));
        assertDoesNotThrow(() -> AccuracyGate.check("m", result(0.10), Double.NaN, MODEL));
    }

    @Test
    void aNaNAccuracyNeverPasses() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> AccuracyGate.check("m", result(Double.NaN), 0.5, MODEL));
        assertEquals("Model 'm' missed its accuracy gate: test accuracy NaN < minAccuracy 0.5 (model: " + MODEL + ")", e.getMessage());
    }

    @Test
    void numbersNeverLookEqualInAFailure() {
        assertEquals("0.97996", AccuracyGate.accuracy(0.97996, 0.98), "four decimals would print 0.9800 < 0.98");
        assertEquals("0.9712", AccuracyGate.accuracy(0.9712, 0.98));
        assertEquals("0.98", AccuracyGate.plain(0.98));
        assertEquals("1", AccuracyGate.plain(1.0));
    }

    @Test
    void summaryIsOneLine() {
        assertEquals("Model 'mnist-mlp' trained: test accuracy 0.9712 (>= minAccuracy 0.95), test loss 0.0912, 1 epoch -> " + MODEL,
                AccuracyGate.summary("mnist-mlp", result(0.9712), 0.95, MODEL));
        assertEquals("Model 'mnist-mlp' trained: test accuracy 0.9712 (no accuracy gate), test loss 0.0912, 1 epoch -> " + MODEL,
                AccuracyGate.summary("mnist-mlp", result(0.9712), Double.NaN, MODEL));
    }
}
