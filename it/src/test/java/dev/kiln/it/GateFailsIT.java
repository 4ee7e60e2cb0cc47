package dev.kiln.it;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gate that cannot be met fails the build and says by how much, for which model. */
class GateFailsIT {

    @Test
    void missedGateNamesMeasuredValueThresholdAndModel() throws Exception {
        String log = ItProjects.buildLog("projects/gate-fails");
        assertTrue(log.contains("BUILD FAILURE"), "the build failed");
        Matcher m = Pattern.compile("test accuracy (0\\.\\d+) < minAccuracy 0\\.9999 \\(model: (\\S+tiny\\.onnx)\\)")
                .matcher(log);
        assertTrue(m.find(), "gate message in build.log:\n" + tail(log));
        double measured = Double.parseDouble(m.group(1));
        assertTrue(measured > 0.5 && measured < 0.9999, "a real measured accuracy: " + measured);
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 3000));
    }
}
