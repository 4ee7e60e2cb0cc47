package dev.kiln.maven;

import dev.kiln.spec.SpecException;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PomErrorsTest {

    @Test
    void mapsSpecFieldsToPomElements() {
        assertEquals("<layers>/<layer> #1 <type>", PomErrors.pomElement("layers[0].type"));
        assertEquals("<layers>/<layer> #12 <init>", PomErrors.pomElement("layers[11].init"));
        assertEquals("<layers>", PomErrors.pomElement("layers"));
        assertEquals("<optimizer>/<name>", PomErrors.pomElement("optimizer"));
        assertEquals("<optimizer>/<beta2>", PomErrors.pomElement("optimizer.beta2"));
        assertEquals("<optimizer>/<learningRate> (-Ddl.learningRate)", PomErrors.pomElement("optimizer.learningRate"));
        assertEquals("<dataset> (-Ddl.dataset)", PomErrors.pomElement("data.name"));
        assertEquals("<trainLimit> (-Ddl.trainLimit)", PomErrors.pomElement("data.trainLimit"));
        assertEquals("<inputStd>", PomErrors.pomElement("data.inputStd"));
        assertEquals("<seed> (-Ddl.seed)", PomErrors.pomElement("seed"));
    }

    @Test
    void specExceptionBecomesExecutionExceptionWithoutTheRawFieldPrefix() {
        MojoExecutionException e = PomErrors.invalid(new SpecException("layers[2].units", "must be a positive integer, got 0"));
        assertEquals("Invalid <layers>/<layer> #3 <units>: must be a positive integer, got 0", e.getMessage());
    }

    @Test
    void recognizesSpecErrorsInTheChildsStandardError() {
        assertEquals(Optional.of("Invalid <layers>/<layer> #4 <type>: the last layer must be softmax (class probabilities), got dense"),
                PomErrors.fromChildMessage("layers[3].type: the last layer must be softmax (class probabilities), got dense"));
        assertEquals(Optional.of("Invalid <layers>: the network ends with 12 outputs but the dataset has 10 classes"),
                PomErrors.fromChildMessage("Error: layers: the network ends with 12 outputs but the dataset has 10 classes"));
        assertEquals(Optional.empty(), PomErrors.fromChildMessage("cannot download mnist: connection refused"));
    }

    @Test
    void exitTwoIsAConfigurationOrDataError() {
        Exception e = PomErrors.forkFailure("m", 2, List.of("Reading the dataset", "mnist: train-images is truncated (expected 47040016 bytes)"), "2g");
        assertInstanceOf(MojoExecutionException.class, e);
        assertEquals("Model 'm': configuration/data error: mnist: train-images is truncated (expected 47040016 bytes)", e.getMessage());

        e = PomErrors.forkFailure("m", 2, List.of("layers[0].units: must be a positive integer, got 0", ""), "2g");
        assertEquals("Invalid <layers>/<layer> #1 <units>: must be a positive integer, got 0", e.getMessage());
    }

    @Test
    void exitThreeIsATrainingFailure() {
        Exception e = PomErrors.forkFailure("m", 3, List.of("loss became NaN in epoch 2, step 17"), "2g");
        assertInstanceOf(MojoFailureException.class, e);
        assertEquals("Model 'm': training diverged: loss became NaN in epoch 2, step 17. Lower <optimizer>/<learningRate> "
                + "(-Ddl.learningRate), or check <inputMean>/<inputStd>.", e.getMessage());

        e = PomErrors.forkFailure("m", 3, List.of("Training diverged at epoch 1, batch 4: the loss is NaN. Try a smaller "
                + "learning rate (current 1.0E9; -Ddl.learningRate=...)."), "2g");
        assertEquals("Model 'm': Training diverged at epoch 1, batch 4: the loss is NaN. Try a smaller learning rate "
                + "(current 1.0E9; -Ddl.learningRate=...).", e.getMessage(), "the runtime's own advice is not repeated");
    }

    @Test
    void crashesShowTheStandardErrorTailAndHints() {
        Exception e = PomErrors.forkFailure("m", 1, List.of("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space",
                "\tat dev.kiln.nn.Dense.<init>(Dense.java:20)"), "512m");
        assertInstanceOf(MojoExecutionException.class, e);
        assertTrue(e.getMessage().startsWith("Model 'm': the forked trainer failed with exit code 1: it ran out of memory; "
                + "raise <maxHeap> (-Ddl.maxHeap, now 512m) or lower <batchSize>. Its standard error:\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Dense.java:20)"), e.getMessage());

        e = PomErrors.forkFailure("m", new ForkedTrainer.Outcome(1, List.of(),
                List.of("Error occurred during initialization of VM", "Too small maximum heap")), "1k");
        assertEquals("Model 'm': the forked trainer failed with exit code 1. Its last output:\n"
                + "Error occurred during initialization of VM\nToo small maximum heap", e.getMessage(),
                "the JVM prints start-up errors to standard output");

        e = PomErrors.forkFailure("m", 137, List.of(), "2g");
        assertEquals("Model 'm': the forked trainer failed with exit code 137 (killed by signal 9)", e.getMessage());
    }

    @Test
    void exitFourIsATooSmallHeapAndSaysWhichSettingToRaise() {
        Exception e = PomErrors.forkFailure("m", 4, List.of("Not enough memory: training needs about 900.0 MiB (1125.0 MiB"
                + " with a 1.25x safety margin) but the heap is 512.0 MiB. Estimate: ... Give the trainer a larger heap or"
                + " lower the batch size."), "512m");
        assertInstanceOf(MojoExecutionException.class, e);
        assertTrue(e.getMessage().startsWith("Model 'm': Not enough memory: training needs about 900.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("the heap is 512.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("Raise <maxHeap> (-Ddl.maxHeap, now 512m) or lower <batchSize> (-Ddl.batchSize)"),
                e.getMessage());
    }

    @Test
    void exitFiveIsAnUnusableCheckpoint() {
        Exception e = PomErrors.forkFailure("m", 5, List.of("Cannot resume from the checkpoint /p/m.ckpt: it was written for"
                + " spec fingerprint aa, this run's is bb (epochs 3 -> 4). Delete it to train from the start, or run without resume."), "2g");
        assertInstanceOf(MojoExecutionException.class, e);
        assertTrue(e.getMessage().startsWith("Model 'm': Cannot resume from the checkpoint /p/m.ckpt: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(resuming because of <resume> / -Ddl.resume)"), e.getMessage());
    }
}
