package dev.kiln.kernels;

import dev.kiln.cli.TrainerJvmOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineAlignmentTest {

    @Test
    void elementTwelveStartsALineWhenObjectsAreOnLinesAndElementsStartSixteenBytesIn() {
        assertEquals(12, LineAlignment.firstLineFloat(64, 16));
        assertEquals(12, LineAlignment.firstLineFloat(128, 16));
        assertEquals(13, LineAlignment.firstLineFloat(64, 12));
        assertEquals(11, LineAlignment.firstLineFloat(64, 20));
        assertEquals(0, LineAlignment.firstLineFloat(64, 64));
    }

    @Test
    void noPlaceIsKnownWhenObjectsAreNotOnLinesOrTheHeaderIsUnknown() {
        assertEquals(0, LineAlignment.firstLineFloat(8, 16), "HotSpot's default 8-byte alignment");
        assertEquals(0, LineAlignment.firstLineFloat(32, 16));
        assertEquals(0, LineAlignment.firstLineFloat(64, -1));
        assertEquals(0, LineAlignment.firstLineFloat(0, 16));
    }

    @Test
    void onlyHotSpotsUsualLayoutHasAKnownHeader() {
        assertEquals(16, LineAlignment.floatArrayBaseOffset(true, false));
        assertEquals(-1, LineAlignment.floatArrayBaseOffset(false, false));
        assertEquals(-1, LineAlignment.floatArrayBaseOffset(true, true));
    }

    /** The forked trainer's JVM, started for real: its packed panels must land on lines. */
    @Test
    void theTrainersJvmPacksPanelsOnALine() throws IOException, InterruptedException {
        assertEquals("12", firstLineFloatIn(TrainerJvmOptions.OPTIONS));
        assertEquals("0", firstLineFloatIn(List.of("-XX:ObjectAlignmentInBytes=8")),
                "without the trainer's alignment the place is unknown");
    }

    private static String firstLineFloatIn(List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrintPanelBase.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Prints where this JVM's GEMM starts its packed panels. */
    static final class PrintPanelBase {
        public static void main(String[] args) {
            System.out.println(PackedGemm.PANEL_BASE);
        }
    }
}
