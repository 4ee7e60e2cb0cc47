package dev.kiln.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mnist-mlp example's HTML report opened in a real headless Chromium with every network
 * request refused: the page must render from the file alone, with the curves, the confusion
 * heat map and the misclassified images. {@code .ci/run} installs Debian's chromium; without
 * it (and outside CI) the test is skipped with a message rather than failing a developer's build.
 */
class HtmlReportBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    @Test
    void reportRendersOfflineWithCurvesHeatMapAndMistakes() throws Exception {
        boolean ci = System.getenv("CI") != null;
        Assumptions.assumeTrue(ci || Files.isExecutable(CHROMIUM),
                "Chromium is not installed (apt-get install chromium); .ci/run installs it and CI runs this test");
        Path report = ItProjects.project("examples/mnist-mlp").resolve("target/dl/mnist-mlp.html");
        assertTrue(Files.isRegularFile(report), "the example wrote its HTML report: " + report);

        String dom = chromium(report, "--dump-dom");
        // the rendered DOM: two charts with their curves, a 10x10 heat map, misclassified images
        assertTrue(count(dom, "<svg class=\"chart\"") >= 2, "loss and accuracy charts");
        assertTrue(count(dom, "<polyline class=\"curve\"") >= 2, "curves in the charts");
        assertEquals(100, count(dom, "<rect class=\"cell\""), "10x10 confusion heat map");
        assertTrue(count(dom, "<img src=\"data:image/png;base64,") > 0, "misclassified images embedded");
        assertTrue(dom.contains("Model mnist-mlp"), "title");

        Path png = tmp.resolve("report.png");
        chromium(report, "--screenshot=" + png, "--window-size=1200,2400");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        // a blank or error page has a handful of colours; charts, heat map and digits have many
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "the screenshot shows a rendered report, colours: " + colours.size());
        Files.copy(png, ItProjects.project("examples/mnist-mlp").resolve("target/dl/mnist-mlp-report.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs headless Chromium on the file with all network traffic sent to a closed port. */
    private String chromium(Path page, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--user-data-dir=" + tmp.resolve("profile-" + System.nanoTime())));
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("chromium-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), "chromium exit code");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
