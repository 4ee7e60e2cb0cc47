package dev.kiln.maven;

import dev.kiln.train.SyntheticIdx;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.EpochStats;
import dev.kiln.train.TrainingJob;
import dev.kiln.train.TrainingListener;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real forked trainer ({@code TrainMain}) on generated data: the heap check and resume through the POM settings. */
class RealForkTest {

    @TempDir
    Path dir;

    private final List<String> info = Collections.synchronizedList(new ArrayList<>());

    private TrainMojo mojo() throws Exception {
        Path data = dir.resolve("data");
        if (!Files.isDirectory(data)) {
            SyntheticIdx.write(data, 400, 100, 3);
        }
        TrainMojo m = TrainMojoSpecTest.withDefaults();
        m.modelName = "tiny";
        m.dataset = "synthetic";
        m.trainImages = data.resolve("train-images").toFile();
        m.trainLabels = data.resolve("train-labels").toFile();
        m.testImages = data.resolve("test-images").toFile();
        m.testLabels = data.resolve("test-labels").toFile();
        m.layers = List.of(new Layer("dense", 16, null), new Layer("relu", null, null),
                new Layer("dense", 10, null), new Layer("softmax", null, null));
        m.epochs = 2;
        m.threads = 1;
        m.outputDirectory = dir.resolve("target/dl").toFile();
        m.datasets = dir.resolve("cache").toFile();
        m.maxHeap = "256m";
        m.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }
        });
        return m;
    }

    @Test
    void aHeapTooSmallForTheNetworkFailsAtOnceNamingMaxHeap() throws Exception {
        TrainMojo m = mojo();
        // 784 x 6000 dense weights with Adam: ~19 M floats of parameters, gradients and moments
        m.layers = List.of(new Layer("dense", 6000, null), new Layer("relu", null, null),
                new Layer("dense", 10, null), new Layer("softmax", null, null));
        m.maxHeap = "48m";
        MojoExecutionException e = assertThrows(MojoExecutionException.class, m::execute);
        assertTrue(e.getMessage().startsWith("Model 'tiny': Not enough memory: training needs about "), e.getMessage());
        assertTrue(e.getMessage().contains("but the heap is "), e.getMessage());
        assertTrue(e.getMessage().contains("Raise <maxHeap> (-Ddl.maxHeap, now 48m)"), e.getMessage());
        assertTrue(info.stream().noneMatch(l -> l.startsWith("Epoch ")), "failed before training: " + info);
    }

    @Test
    void resumeContinuesAKilledRunThroughTheFork() throws Exception {
        TrainMojo whole = mojo();
        whole.outputDirectory = dir.resolve("whole").toFile();
        whole.execute();
        byte[] expected = Files.readAllBytes(dir.resolve("whole/tiny.onnx"));

        // what a run killed after epoch 1 leaves behind: its checkpoint and no model
        Path out = dir.resolve("target/dl");
        TrainingSpec spec = mojo().toSpec();
        assertThrows(IllegalStateException.class, () -> TrainingJob.run(spec, out, dir.resolve("cache"), new TrainingListener() {
            @Override
            public void log(String line) {
            }

            @Override
            public void epochEnded(EpochStats stats) {
                throw new IllegalStateException("killed");
            }
        }));
        assertTrue(Files.isRegularFile(out.resolve("tiny.ckpt")));
        assertFalse(Files.exists(out.resolve("tiny.onnx")));

        info.clear();
        TrainMojo resumed = mojo();
        resumed.resume = true;
        resumed.execute();
        assertTrue(info.stream().anyMatch(l -> l.startsWith("Resuming from ") && l.endsWith(" after epoch 1/2")), info.toString());
        assertEquals(1, info.stream().filter(l -> l.startsWith("Epoch 2/2: train loss")).count(), info.toString());
        assertEquals(-1, java.util.Arrays.mismatch(expected, Files.readAllBytes(out.resolve("tiny.onnx"))),
                "the resumed model has the uninterrupted run's bytes");
        assertFalse(Files.exists(out.resolve("tiny.ckpt")), "a finished run leaves no checkpoint");
    }
}
