package dev.kiln.report;

import dev.kiln.data.ImageSet;
import dev.kiln.train.EpochStats;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlReportTest {

    @TempDir
    Path dir;

    /** Four 3x2 images of classes 0, 1, 2, 1; the model gets images 1 and 3 wrong. */
    private static ImageSet test() {
        byte[] px = new byte[4 * 6];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 10);
        }
        return new ImageSet("t", 4, 3, 2, px, new byte[] {0, 1, 2, 1});
    }

    private static TrainingResult result(String dataset) {
        return new TrainingResult("digits", Path.of("digits.onnx"), null, dataset, 0.5, 0.9, 2, 42, "vector", "ab12",
                new int[][] {{1, 0, 0}, {0, 0, 2}, {0, 0, 1}},
                List.of(new EpochStats(1, 2.0, 100, 1.2, 1.1, 0.25), new EpochStats(2, 1.5, 120, 0.8, 0.9, 0.5),
                        new EpochStats(3, 1.5, 120, 0.6, 0.95, 0.5)),
                new Provenance("0.1.0", Map.of("testImages", "00".repeat(32))));
    }

    @Test
    void selfContainedPageWithCurvesHeatMapClassesAndMistakes() throws Exception {
        Path file = dir.resolve("digits.html");
        HtmlReport.write(file, result("own"), "epochs=3\nmodelName=digits<script>\n", test(), new int[] {0, 2, 2, 2});
        String html = Files.readString(file);

        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "nothing fetched from the network");
        assertFalse(html.contains("https://") || html.contains("<script") || html.contains("<link"), "self-contained");

        // curves: train and test loss, test accuracy, three points each
        assertEquals(3, count(html, "<polyline class=\"curve\""));
        assertTrue(html.contains("id=\"chart-loss\"") && html.contains("id=\"chart-accuracy\""));
        Matcher loss = Pattern.compile("data-series=\"train loss\"[^>]*points=\"([^\"]+)\"").matcher(html);
        assertTrue(loss.find());
        assertEquals(3, loss.group(1).split(" ").length);

        // heat map: one cell per (true, predicted) pair, mistakes titled with their count
        assertEquals(9, count(html, "<rect class=\"cell\""));
        assertTrue(html.contains("data-true=\"1\" data-predicted=\"2\""));
        assertTrue(html.contains("<title>true 1, predicted 2: 2 (100.00 % of the row)</title>"));

        // per-class accuracy rows
        assertEquals(3, count(html, "<tr class=\"class-row\">"));
        assertTrue(html.contains("<td class=\"num\">100.00 %</td>") && html.contains("<td class=\"num\">0.00 %</td>"));

        // misclassified images as embedded PNGs of the right size, with both labels
        assertTrue(html.contains("2 of 4 test images are misclassified"));
        Matcher img = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"test image (\\d+): "
                + "true (\\w+), predicted (\\w+)\">").matcher(html);
        int images = 0;
        while (img.find()) {
            images++;
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(1))));
            assertEquals(2, png.getWidth());
            assertEquals(3, png.getHeight());
            assertEquals("1", img.group(3));
            assertEquals("2", img.group(4));
        }
        assertEquals(2, images);
        BufferedImage third = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(HtmlReport.png(test(), 3))));
        assertEquals(230, third.getRaster().getSample(1, 2, 0), "pixels are the image's own bytes");

        // spec escaped, run details present
        assertTrue(html.contains("modelName=digits&lt;script&gt;"));
        assertTrue(html.contains("<th>kernels</th><td>vector</td>"));
        assertTrue(html.contains("<th>JVM</th><td>"));
        assertTrue(html.contains("<th>training time</th><td>5.0 s"));
    }

    @Test
    void fashionMnistClassesAreNamed() {
        TrainingResult r = new TrainingResult("f", null, null, "fashion-mnist", 1, 0, 1, 1, "scalar", "x",
                new int[10][10], List.of(new EpochStats(1, 1, 1, 1, 1, 1)));
        String html = HtmlReport.render(r, "", new ImageSet("t", 0, 28, 28, new byte[0], new byte[0]), new int[0]);
        assertTrue(html.contains("Ankle boot") && html.contains("T-shirt/top"));
        assertEquals(100, count(html, "<rect class=\"cell\""));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
