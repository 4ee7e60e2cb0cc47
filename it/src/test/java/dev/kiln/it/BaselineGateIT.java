package dev.kiln.it;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** dl:evaluate resolves a released model by its coordinate and fails a model that is worse than it. */
class BaselineGateIT {

    @Test
    void aWorseModelThanTheReleasedOneFailsTheBuild() throws Exception {
        String log = ItProjects.buildLog("projects/baseline-gate");
        assertTrue(log.contains("BUILD FAILURE"), "the build failed");
        Matcher base = Pattern.compile("Baseline dev\\.kiln\\.examples:mnist-mlp:0\\.1\\.0-SNAPSHOT:mnist-mlp: test accuracy (0\\.9\\d+)")
                .matcher(log);
        assertTrue(base.find(), "the released model was resolved and evaluated");
        Matcher m = Pattern.compile("Model 'quick' fell below its baseline: test accuracy (0\\.\\d+) < baseline "
                + base.group(1) + " - maxAccuracyDrop 0\\.01 \\(model: \\S+quick\\.onnx, baseline: "
                + "dev\\.kiln\\.examples:mnist-mlp:0\\.1\\.0-SNAPSHOT:mnist-mlp\\)").matcher(log);
        assertTrue(m.find(), "baseline gate message in build.log");
        assertTrue(Double.parseDouble(m.group(1)) < Double.parseDouble(base.group(1)) - 0.01);
    }
}
