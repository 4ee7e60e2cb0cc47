package dev.kiln.train;

import dev.kiln.cli.TrainMain;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.parallel.Parallel;
import dev.kiln.report.AtomicFiles;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real forked trainer ({@link TrainMain} in a child JVM) killed with SIGKILL at several moments:
 * whatever it leaves is either complete and right or clearly not an output, and the next run
 * (resuming) succeeds with the uninterrupted run's model bytes.
 */
class KillSafetyTest {

    @TempDir
    static Path root;

    private static Path specFile;
    private static byte[] reference;

    @BeforeAll
    static void prepare() throws Exception {
        Path data = root.resolve("data");
        SyntheticIdx.write(data, 3000, 300, 21);
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0.1, 0.3);
        TrainingSpec spec = new TrainingSpec("synth", d, List.of(LayerSpec.of("dense", "units", "128"),
                LayerSpec.of("relu"), LayerSpec.of("dropout", "rate", "0.1"), LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax")), "crossEntropy", OptimizerSpec.adam(), 4, 16, 5, 2, Double.NaN, 13);
        specFile = Files.writeString(root.resolve("synth.spec"), spec.toText());
        Path whole = root.resolve("whole");
        TrainingJob.run(spec, whole, root.resolve("cache"), s -> { });
        reference = Files.readAllBytes(whole.resolve("synth.onnx"));
    }

    /** Starts TrainMain on the spec; {@code jvmArgs} go before the class path. */
    private static Process start(Path out, String... jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m"));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainMain.class.getName(),
                specFile.toString(), out.toString(), root.resolve("cache").toString(), TrainMain.RESUME));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
    }

    /** Waits until {@code out} holds a file matching {@code seen}, or fails after a minute. */
    private static void await(Process p, Path out, Predicate<String> seen, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(out)) {
                try (Stream<Path> files = Files.list(out)) {
                    if (files.map(f -> f.getFileName().toString()).anyMatch(seen)) {
                        return;
                    }
                }
            }
            if (!p.isAlive()) {
                fail("the trainer ended (exit " + p.exitValue() + ") before " + what);
            }
            Thread.sleep(5);
        }
        fail("no " + what + " within a minute");
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "killed");
    }

    /**
     * What a killed run may leave: outputs only when complete (they parse, the model is the final
     * one), a readable checkpoint, and temporary files that are hidden and end in .tmp.
     */
    private static void assertNothingHalfDone(Path out) throws Exception {
        if (!Files.isDirectory(out)) {
            return;
        }
        List<String> names;
        try (Stream<Path> files = Files.list(out)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        for (String n : names) {
            Path f = out.resolve(n);
            if (n.startsWith(".")) {
                assertTrue(n.endsWith(".tmp"), "temporary files end in .tmp: " + n);
                continue;
            }
            switch (n) {
                case "synth.onnx" -> {
                    assertEquals(-1, Arrays.mismatch(reference, Files.readAllBytes(f)), "a model is the final one");
                    try (Parallel p = new Parallel(1)) {
                        OnnxModelReader.read(f, new Compute(KernelProvider.get(), p));
                    }
                }
                case "synth.json" -> {
                    TrainingResult r = JsonReport.read(f);
                    assertEquals(4, r.epochs().size());
                    assertTrue(names.contains("synth.onnx"), "a report comes after its model: " + names);
                }
                case "synth.html" -> assertTrue(Files.readString(f, StandardCharsets.UTF_8).trim().endsWith("</html>"),
                        "a complete page");
                case "synth.ckpt" -> {
                    int epoch = Checkpoint.read(f).epoch();
                    assertTrue(epoch >= 1 && epoch <= 4, "checkpoint epoch " + epoch);
                }
                default -> fail("unexpected file " + n + " in " + names);
            }
        }
    }

    /** The next run, resuming, succeeds with the uninterrupted run's bytes and leaves no checkpoint or temp. */
    private static void assertNextRunSucceeds(Path out) throws Exception {
        Process p = start(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the next run ends");
        assertEquals(0, p.exitValue(), Files.readString(out.resolveSibling(out.getFileName() + ".log")));
        assertEquals(-1, Arrays.mismatch(reference, Files.readAllBytes(out.resolve("synth.onnx"))));
        JsonReport.read(out.resolve("synth.json"));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("synth.html", "synth.json", "synth.onnx"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void killedAtArbitraryMomentsDuringTraining() throws Exception {
        for (long delay : new long[] {500, 2000, 4000}) {
            Path out = root.resolve("arbitrary-" + delay);
            Process p = start(out);
            Thread.sleep(delay);
            kill(p);
            List<String> log = Files.readAllLines(out.resolveSibling(out.getFileName() + ".log"));
            System.out.println("KillSafetyTest: killed after " + delay + " ms, at: "
                    + (log.isEmpty() ? "(no output yet)" : log.get(log.size() - 1)));
            assertNothingHalfDone(out);
            assertNextRunSucceeds(out);
        }
    }

    @Test
    void killedRightAfterTheFirstCheckpoint() throws Exception {
        Path out = root.resolve("after-checkpoint");
        Process p = start(out);
        await(p, out, "synth.ckpt"::equals, "checkpoint");
        kill(p);
        assertNothingHalfDone(out);
        assertTrue(Files.isRegularFile(out.resolve("synth.ckpt")));
        assertNextRunSucceeds(out);
    }

    @Test
    void killedWhileACheckpointIsBetweenWriteAndRename() throws Exception {
        Path out = root.resolve("checkpoint-rename");
        Process p = start(out, "-D" + AtomicFiles.PAUSE_PROPERTY + "=.ckpt:60000");
        await(p, out, n -> n.startsWith(".synth.ckpt.") && n.endsWith(".tmp"), "checkpoint temp file");
        kill(p);
        assertFalse(Files.exists(out.resolve("synth.ckpt")), "the torn checkpoint never got its name");
        assertNothingHalfDone(out);
        assertNextRunSucceeds(out);
    }

    @Test
    void killedWhileExportingTheModel() throws Exception {
        Path out = root.resolve("export");
        Process p = start(out, "-D" + AtomicFiles.PAUSE_PROPERTY + "=.onnx:60000");
        await(p, out, n -> n.startsWith(".synth.onnx.") && n.endsWith(".tmp"), "model temp file");
        kill(p);
        assertFalse(Files.exists(out.resolve("synth.onnx")));
        assertEquals(4, Checkpoint.read(out.resolve("synth.ckpt")).epoch());
        assertNothingHalfDone(out);
        assertNextRunSucceeds(out);
    }

    @Test
    void killedWhileWritingTheReport() throws Exception {
        Path out = root.resolve("report");
        Process p = start(out, "-D" + AtomicFiles.PAUSE_PROPERTY + "=.json:60000");
        await(p, out, n -> n.startsWith(".synth.json.") && n.endsWith(".tmp"), "report temp file");
        kill(p);
        assertTrue(Files.isRegularFile(out.resolve("synth.onnx")), "the model was complete before the report");
        assertFalse(Files.exists(out.resolve("synth.json")));
        assertNothingHalfDone(out);
        assertNextRunSucceeds(out);
    }
}
