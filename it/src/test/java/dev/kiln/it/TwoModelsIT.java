package dev.kiln.it;

import dev.kiln.report.JsonReport;
import dev.kiln.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several models in one build, each with its own outputs and gate; and the generated dl:help. */
class TwoModelsIT {

    @Test
    void eachExecutionTrainsGatesAndReportsItsOwnModel() throws Exception {
        Path dl = ItProjects.project("projects/two-models").resolve("target/dl");
        TrainingResult digits = JsonReport.read(dl.resolve("digits.json"));
        TrainingResult fashion = JsonReport.read(dl.resolve("fashion.json"));
        assertEquals("mnist", digits.dataset());
        assertEquals("fashion-mnist", fashion.dataset());
        for (String name : new String[] {"digits", "fashion"}) {
            assertTrue(Files.isRegularFile(dl.resolve(name + ".onnx")), name + ".onnx");
            assertTrue(Files.readString(dl.resolve(name + "-gates.xml")).contains("minAccuracy &gt;= "), name + " gates");
        }
        String log = ItProjects.buildLog("projects/two-models");
        assertTrue(log.contains("Model 'digits' trained: test accuracy") && log.contains("(>= minAccuracy 0.7)"), "digits gate");
        assertTrue(log.contains("Model 'fashion' trained: test accuracy") && log.contains("(>= minAccuracy 0.5)"), "fashion gate");
    }

    @Test
    void helpListsTheGoals() throws Exception {
        String log = ItProjects.buildLog("projects/two-models");
        assertTrue(log.contains("dl:train"), "dl:help lists dl:train");
        assertTrue(log.contains("dl:evaluate"), "dl:help lists dl:evaluate");
        assertTrue(log.contains("BUILD SUCCESS"));
    }
}
