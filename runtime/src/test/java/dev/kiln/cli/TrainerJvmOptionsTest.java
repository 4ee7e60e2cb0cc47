package dev.kiln.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HotSpot reports a CompileCommand it cannot parse and starts anyway, so a typo would silently
 * drop the trainer's tuning: this starts a real JVM with the options (without {@code quiet}, so
 * it echoes what it parsed) and checks what it understood.
 */
class TrainerJvmOptionsTest {

    @Test
    void hotSpotParsesTheKernelsCompileThresholdScaling() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : TrainerJvmOptions.OPTIONS) {
            if (!option.equals("-XX:CompileCommand=quiet")) {
                cmd.add(option);
            }
        }
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("CompileThresholdScaling dev/kiln/kernels/*.* double CompileThresholdScaling = 0.05"),
                "the kernels' package with a scaling of 0.05, as HotSpot parsed it:\n" + out);
    }

    @Test
    void quietKeepsTheEchoOutOfTheTrainersOutput() {
        assertEquals("-XX:CompileCommand=quiet", TrainerJvmOptions.OPTIONS.get(0),
                "quiet must come first: HotSpot echoes every CompileCommand parsed before it");
    }
}
