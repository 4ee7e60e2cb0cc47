package dev.kiln.train;

import dev.kiln.report.JsonReport;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after an epoch and resumed from its checkpoint ends with the very bytes of an
 * uninterrupted run; damaged or foreign checkpoints are refused.
 */
class ResumeTest {

    @TempDir
    static Path data;

    @BeforeAll
    static void generate() throws Exception {
        SyntheticIdx.write(data, 600, 200, 11);
    }

    /** Batch norm (state), dropout (per-step masks) and a cosine schedule: everything resume must carry. */
    static TrainingSpec spec(OptimizerSpec opt, int threads) {
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0.1, 0.3);
        return new TrainingSpec("synth", d, List.of(LayerSpec.of("dense", "units", "16"), LayerSpec.of("batchNorm"),
                LayerSpec.of("relu"), LayerSpec.of("dropout", "rate", "0.2"), LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax")), "crossEntropy", opt.withSchedule("cosine", 1), 3, 32, 7, threads, 0.5, 13);
    }

    /** Stands in for a kill: thrown after the checkpoint of {@code epoch} was written. */
    static final class Stop extends RuntimeException {
        Stop() {
            super("stopped by the test");
        }
    }

    static TrainingListener stopAfter(int epoch) {
        return new TrainingListener() {
            @Override
            public void log(String line) {
            }

            @Override
            public void epochEnded(EpochStats stats) {
                if (stats.epoch() == epoch) {
                    throw new Stop();
                }
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void resumedRunWritesTheSameModelBytesAsAnUninterruptedOne(String optimizer, @TempDir Path out) throws Exception {
        OptimizerSpec opt = OptimizerSpec.defaults(optimizer);
        Path whole = out.resolve("whole");
        TrainingJob.run(spec(opt, 2), whole, out.resolve("cache"), s -> { });
        byte[] expected = Files.readAllBytes(whole.resolve("synth.onnx"));
        assertFalse(Files.exists(whole.resolve("synth.ckpt")), "a finished run deletes its checkpoint");

        Path split = out.resolve("split");
        assertThrows(Stop.class, () -> TrainingJob.run(spec(opt, 2), split, out.resolve("cache"), stopAfter(1)));
        assertTrue(Files.isRegularFile(split.resolve("synth.ckpt")));
        assertFalse(Files.exists(split.resolve("synth.onnx")));
        assertEquals(1, Checkpoint.read(split.resolve("synth.ckpt")).epoch());

        // another thread count on resume: it never changes the result
        List<String> log = new java.util.ArrayList<>();
        TrainingResult r = TrainingJob.run(spec(opt, 3), split, out.resolve("cache"), log::add,
                TrainingJob.Options.DEFAULT.withResume(true));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Resuming from ") && l.endsWith("after epoch 1/3")), log.toString());
        assertEquals(2, log.stream().filter(l -> l.startsWith("Epoch ") && l.contains(": train loss")).count(), log.toString());
        assertEquals(-1, Arrays.mismatch(expected, Files.readAllBytes(split.resolve("synth.onnx"))), "same model bytes");
        assertEquals(3, r.epochs().size());
        assertEquals(List.of(1, 2, 3), JsonReport.read(split.resolve("synth.json")).epochs().stream()
                .map(EpochStats::epoch).toList());
        assertFalse(Files.exists(split.resolve("synth.ckpt")));
    }

    @Test
    void aCheckpointOfTheLastEpochOnlyExports(@TempDir Path out) throws Exception {
        // the kill came after the last epoch, e.g. while exporting
        TrainingJob.run(spec(OptimizerSpec.adam(), 2), out.resolve("whole"), out.resolve("cache"), s -> { });
        Path dir = out.resolve("late");
        assertThrows(Stop.class, () -> TrainingJob.run(spec(OptimizerSpec.adam(), 2), dir, out.resolve("cache"), stopAfter(3)));
        List<String> log = new java.util.ArrayList<>();
        TrainingJob.run(spec(OptimizerSpec.adam(), 2), dir, out.resolve("cache"), log::add,
                TrainingJob.Options.DEFAULT.withResume(true));
        assertEquals(0, log.stream().filter(l -> l.contains(": train loss")).count(), log.toString());
        assertArrayEquals(Files.readAllBytes(out.resolve("whole/synth.onnx")), Files.readAllBytes(dir.resolve("synth.onnx")));
    }

    @Test
    void resumeWithoutACheckpointTrainsFromTheStart(@TempDir Path out) {
        List<String> log = new java.util.ArrayList<>();
        TrainingJob.run(spec(OptimizerSpec.adam(), 2), out, out.resolve("cache"), log::add,
                TrainingJob.Options.DEFAULT.withResume(true));
        assertTrue(log.contains("No checkpoint at " + out.resolve("synth.ckpt") + "; training from the first epoch"), log.toString());
        assertTrue(Files.isRegularFile(out.resolve("synth.onnx")));
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRefusedNamingTheChange(@TempDir Path out) {
        assertThrows(Stop.class, () -> TrainingJob.run(spec(OptimizerSpec.adam(), 2), out, out.resolve("cache"), stopAfter(1)));
        TrainingSpec changed = spec(OptimizerSpec.adam().withLearningRate(0.002), 2);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TrainingJob.run(changed, out,
                out.resolve("cache"), s -> { }, TrainingJob.Options.DEFAULT.withResume(true)));
        assertTrue(e.getMessage().contains(out.resolve("synth.ckpt").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("optimizer.learningRate 0.001 -> 0.002"), e.getMessage());
        assertTrue(e.getMessage().contains("spec fingerprint " + spec(OptimizerSpec.adam(), 2).fingerprint()), e.getMessage());
        assertTrue(Files.isRegularFile(out.resolve("synth.ckpt")), "a refused checkpoint is left alone");
        // a thread count is not part of the fingerprint: that resumes
        TrainingJob.run(spec(OptimizerSpec.adam(), 1), out, out.resolve("cache"), s -> { },
                TrainingJob.Options.DEFAULT.withResume(true));
    }

    @Test
    void damagedCheckpointsAreRefusedAsAWhole(@TempDir Path out) throws Exception {
        assertThrows(Stop.class, () -> TrainingJob.run(spec(OptimizerSpec.adam(), 2), out, out.resolve("cache"), stopAfter(1)));
        Path ckpt = out.resolve("synth.ckpt");
        byte[] good = Files.readAllBytes(ckpt);
        assertEquals(1, Checkpoint.read(ckpt).epoch());

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertRefused(ckpt, flipped, "checksum");
        assertRefused(ckpt, Arrays.copyOf(good, good.length - 3), "");
        assertRefused(ckpt, Arrays.copyOf(good, good.length / 3), "");
        assertRefused(ckpt, Arrays.copyOf(good, 5), "truncated");
        assertRefused(ckpt, "not a checkpoint at all".getBytes(), "bad magic");
        byte[] version = good.clone();
        version[11] = 9;
        assertRefused(ckpt, version, "format version");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertRefused(ckpt, longer, "");
        // a resume with the damaged file fails and trains nothing
        Files.write(ckpt, flipped);
        CheckpointException e = assertThrows(CheckpointException.class, () -> TrainingJob.run(spec(OptimizerSpec.adam(), 2),
                out, out.resolve("cache"), s -> { }, TrainingJob.Options.DEFAULT.withResume(true)));
        assertTrue(e.getMessage().contains("delete it to train from the start"), e.getMessage());
        assertFalse(Files.exists(out.resolve("synth.onnx")));
    }

    @Test
    void everySingleByteFlipIsDetected(@TempDir Path out) throws Exception {
        assertThrows(Stop.class, () -> TrainingJob.run(spec(OptimizerSpec.sgd(), 2), out, out.resolve("cache"), stopAfter(1)));
        Path ckpt = out.resolve("synth.ckpt");
        byte[] good = Files.readAllBytes(ckpt);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            byte[] bad = good.clone();
            int at = rnd.nextInt(bad.length);
            bad[at] ^= (byte) (1 + rnd.nextInt(255));
            Files.write(ckpt, bad);
            int where = at;
            assertThrows(CheckpointException.class, () -> Checkpoint.read(ckpt), "flip at byte " + where);
        }
    }

    private static void assertRefused(Path ckpt, byte[] content, String why) throws IOException {
        Files.write(ckpt, content);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(ckpt));
        assertTrue(e.getMessage().contains(ckpt.toString()) && e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void leftoverTempFilesOfAKilledRunAreRemoved(@TempDir Path out) throws Exception {
        Files.createDirectories(out);
        Path leftover = Files.writeString(out.resolve(".synth.onnx.k3x9.tmp"), "half a model");
        Path other = Files.writeString(out.resolve(".other.onnx.k3x9.tmp"), "someone else's");
        TrainingJob.run(spec(OptimizerSpec.adam(), 2), out, out.resolve("cache"), s -> { });
        assertFalse(Files.exists(leftover));
        assertTrue(Files.exists(other), "only this model's leftovers");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(".synth")).toList());
        }
    }
}
