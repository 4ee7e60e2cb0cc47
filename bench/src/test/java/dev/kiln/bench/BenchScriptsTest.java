package dev.kiln.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench scripts' refusals, which must come before any build or measurement: a second
 * benchmark while one holds the lock, and a bad {@code --epochs}. Needs bash and flock (Linux).
 */
class BenchScriptsTest {

    /** The bench module's folder, where the scripts are (surefire runs in it). */
    private static final Path BENCH = Path.of("").toAbsolutePath();

    @Test
    void aSecondBenchmarkStopsWhileTheLockIsHeldNamingTheHolder(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("bench.lock");
        Process holder = new ProcessBuilder("flock", lock.toString(), "sleep", "60")
                .redirectErrorStream(true).start();
        try {
            waitForLock(lock);
            Files.writeString(lock, "pid 1234: the holder's command line\n");
            for (List<String> script : List.of(
                    List.of("bash", BENCH.resolve("jit-check.sh").toString(), "--jvms", "1"),
                    List.of("bash", BENCH.resolve("epoch-vs-pytorch.sh").toString(), "--workloads", "mlp"))) {
                Result r = run(script, lock);
                assertEquals(1, r.exit, script + ": " + r.output);
                assertTrue(r.output.contains("another Kiln benchmark is running")
                        && r.output.contains("pid 1234: the holder's command line"), r.output);
            }
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadEpochCountIsRefusedNamingTheOption(@TempDir Path dir) throws Exception {
        for (String bad : new String[] {"0", "-1", "two"}) {
            Result r = run(List.of("bash", BENCH.resolve("epoch-vs-pytorch.sh").toString(), "--epochs", bad),
                    dir.resolve("bench.lock"));
            assertEquals(2, r.exit, r.output);
            assertTrue(r.output.contains("bad --epochs " + bad), r.output);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path lock) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KILN_BENCH_LOCK", lock.toString());
        Process p = pb.start();
        // a refusal is immediate; a script that got past it would build and measure for minutes
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not stop within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Until {@code flock} has the lock: a non-blocking attempt from here fails. */
    private static void waitForLock(Path lock) throws Exception {
        for (int i = 0; i < 100; i++) {
            Process probe = new ProcessBuilder("flock", "-n", lock.toString(), "true").start();
            if (probe.waitFor() != 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("flock never took " + lock);
    }
}
