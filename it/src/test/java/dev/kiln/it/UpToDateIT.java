package dev.kiln.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same project built four times (see src/it/up-to-date/invoker.properties): only the first
 * and the last build train; the two between reuse the model and gate its recorded metrics.
 */
class UpToDateIT {

    private static final String SKIPPED = "Model 'tiny' is up to date (spec fingerprint ";

    /** build.log split at each Maven start: one entry per invocation. */
    private static List<String> builds() throws Exception {
        String log = ItProjects.buildLog("projects/up-to-date");
        List<String> parts = List.of(log.split("(?=\\[INFO] Scanning for projects)"));
        return parts.stream().filter(p -> p.contains("Scanning for projects")).toList();
    }

    private static long epochLines(String build) {
        return build.lines().filter(l -> l.contains("Epoch ") && l.contains(": train loss")).count();
    }

    @Test
    void firstBuildTrains() throws Exception {
        String first = builds().get(0);
        assertTrue(first.contains("Model 'tiny' needs training: no model at "), first);
        assertEquals(1, epochLines(first));
        assertTrue(first.contains("BUILD SUCCESS"));
    }

    @Test
    void secondBuildSkipsTrainingButGatesAndAttaches() throws Exception {
        String second = builds().get(1);
        assertEquals(0, epochLines(second), "no training in the second build:\n" + second);
        Matcher m = Pattern.compile(Pattern.quote(SKIPPED) + "[0-9a-f]{12}, dataset mnist [0-9a-f]{12}, Kiln \\S+\\); "
                + "-Ddl.force to retrain").matcher(second);
        assertTrue(m.find(), "one line saying why:\n" + second);
        assertTrue(second.contains("Model 'tiny' up to date, recorded: test accuracy 0."), second);
        assertTrue(second.contains("(>= minAccuracy 0.55)"), "the changed gate was applied:\n" + second);
        assertTrue(second.contains("BUILD SUCCESS"));
        assertTrue(second.contains("up-to-date-1.0-tiny.onnx"), "the reused model was still attached and installed:\n" + second);
    }

    @Test
    void aStricterGateFailsOnTheRecordedMetricsWithoutRetraining() throws Exception {
        String third = builds().get(2);
        assertEquals(0, epochLines(third));
        assertTrue(third.contains(SKIPPED), third);
        assertTrue(third.contains("< minAccuracy 0.9999 (model: "), third);
        assertTrue(third.contains("BUILD FAILURE"));
    }

    @Test
    void htmlAndGateReportsSitBesideTheModel() throws Exception {
        java.nio.file.Path dl = ItProjects.project("projects/up-to-date").resolve("target/dl");
        String html = java.nio.file.Files.readString(dl.resolve("tiny.html"));
        assertTrue(html.contains("<polyline class=\"curve\"") && html.contains("<rect class=\"cell\"")
                && html.contains("data:image/png;base64,"), "curves, heat map and mistakes in tiny.html");
        String xml = java.nio.file.Files.readString(dl.resolve("tiny-gates.xml"));
        assertTrue(xml.contains("<testcase classname=\"dl.train.tiny\" name=\"minAccuracy &gt;= 0.5\""), xml);
    }

    @Test
    void anotherEpochRetrainsAndSaysWhy() throws Exception {
        String fourth = builds().get(3);
        assertTrue(fourth.contains("Model 'tiny' is out of date, retraining: epochs 1 -> 2 (spec fingerprint "), fourth);
        assertEquals(2, epochLines(fourth));
        assertTrue(fourth.contains("BUILD SUCCESS"));
    }
}
