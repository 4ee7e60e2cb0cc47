package dev.kiln.maven;

import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;

import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainMojoSpecTest {

    @TempDir
    Path dir;

    /** A mojo configured the way Maven would from an empty {@code <configuration>}. */
    static TrainMojo withDefaults() {
        TrainMojo m = new TrainMojo();
        m.dataset = "mnist";
        m.trainLimit = 0;
        m.inputMean = 0;
        m.inputStd = 1;
        m.loss = "crossEntropy";
        m.epochs = 10;
        m.batchSize = 50;
        m.seed = 42;
        m.modelName = "model";
        m.opset = 13;
        m.fork = true;
        m.maxHeap = "2g";
        return m;
    }

    @Test
    void emptyConfigurationGivesSaneDefaults() throws Exception {
        TrainingSpec s = withDefaults().toSpec();
        assertEquals("model", s.modelName());
        assertEquals("mnist", s.data().name());
        assertFalse(s.data().ownFiles());
        assertEquals(0, s.data().trainLimit());
        assertEquals(List.of(LayerSpec.of("dense", "units", "128"), LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")), s.layers());
        assertEquals(OptimizerSpec.adam(), s.optimizer());
        assertEquals("crossEntropy", s.loss());
        assertEquals(10, s.epochs());
        assertEquals(50, s.batchSize());
        assertEquals(42, s.seed());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.threads());
        assertTrue(Double.isNaN(s.minAccuracy()), "no gate unless configured");
        assertEquals(13, s.opset());
    }

    @Test
    void mapsLayersWithOnlyTheConfiguredParameters() throws Exception {
        TrainMojo m = withDefaults();
        m.layers = List.of(new Layer("dense", 512, "xavier"), new Layer("relu", null, null),
                new Layer(" dense ", 10, null), new Layer("softmax", null, null));
        TrainingSpec s = m.toSpec();
        assertEquals(LayerSpec.of("dense", "init", "xavier", "units", "512"), s.layers().get(0));
        assertEquals(LayerSpec.of("relu"), s.layers().get(1));
        assertEquals(LayerSpec.of("dense", "units", "10"), s.layers().get(2), "type is trimmed");
    }

    @Test
    void optimizerNullsTakeTheNamedOptimizersDefaults() throws Exception {
        TrainMojo m = withDefaults();
        m.optimizer = new Optimizer("sgd");
        assertEquals(OptimizerSpec.sgd(), m.toSpec().optimizer());

        m.optimizer = new Optimizer("sgd").learningRate(0.05).momentum(0.5);
        OptimizerSpec o = m.toSpec().optimizer();
        assertEquals(0.05, o.learningRate());
        assertEquals(0.5, o.momentum());

        m.optimizer = new Optimizer().learningRate(0.002);
        assertEquals(OptimizerSpec.adam().withLearningRate(0.002), m.toSpec().optimizer(), "name defaults to adam");

        m.optimizer = new Optimizer().schedule("exponential", 0.5);
        assertEquals(OptimizerSpec.adam().withSchedule("exponential", 0.5), m.toSpec().optimizer());
    }

    @Test
    void learningRatePropertyBeatsThePom() throws Exception {
        TrainMojo m = withDefaults();
        m.optimizer = new Optimizer("sgd").learningRate(0.05);
        m.learningRate = 0.2;
        assertEquals(0.2, m.toSpec().optimizer().learningRate());
        m.optimizer = null;
        assertEquals(0.2, m.toSpec().optimizer().learningRate());
    }

    @Test
    void mapsDataGateAndThreads() throws Exception {
        TrainMojo m = withDefaults();
        m.dataset = "digits";
        m.trainImages = new File("a-images.idx");
        m.trainLabels = new File("a-labels.idx");
        m.testImages = new File("b-images.idx");
        m.testLabels = new File("b-labels.idx");
        m.trainLimit = 2000;
        m.inputMean = 0.1307;
        m.inputStd = 0.3081;
        m.minAccuracy = 0.97;
        m.threads = 3;
        m.modelName = "mnist-mlp";
        TrainingSpec s = m.toSpec();
        assertEquals(new File("a-images.idx").getAbsolutePath(), s.data().trainImages());
        assertEquals(new File("b-labels.idx").getAbsolutePath(), s.data().testLabels());
        assertEquals(2000, s.data().trainLimit());
        assertEquals(0.1307, s.data().inputMean());
        assertEquals(0.3081, s.data().inputStd());
        assertEquals(0.97, s.minAccuracy());
        assertEquals(3, s.threads());
        assertEquals("mnist-mlp", s.modelName());
        assertEquals(s, TrainingSpec.parse(s.toText()), "the forked trainer reads back exactly this spec");
    }

    @Test
    void layerErrorsNameThePomElementOneBased() {
        TrainMojo m = withDefaults();
        m.layers = List.of(new Layer("dense", 128, null), new Layer("relu", null, null),
                new Layer("dense", 0, null), new Layer("softmax", null, null));
        assertInvalid(m, "Invalid <layers>/<layer> #3 <units>: must be a positive integer, got 0");

        m.layers = List.of(new Layer("dense", 10, null), new Layer("conv", null, null));
        assertInvalid(m, "Invalid <layers>/<layer> #2 <type>: unknown layer type 'conv'; allowed: [");

        m.layers = List.of(new Layer(null, 10, null));
        assertInvalid(m, "Invalid <layers>/<layer> #1 <type>: is required; allowed: [");

        m.layers = List.of(new Layer("dense", 10, "zeros"), new Layer("softmax", null, null));
        assertInvalid(m, "Invalid <layers>/<layer> #1 <init>: unknown initializer 'zeros'; allowed: [he, xavier]");

        m.layers = List.of(new Layer("dense", 10, null), new Layer("relu", null, null));
        assertInvalid(m, "Invalid <layers>/<layer> #2 <type>: the last layer must be softmax");
    }

    @Test
    void scalarErrorsNameTheElementAndItsUserProperty() {
        TrainMojo m = withDefaults();
        m.epochs = 0;
        assertInvalid(m, "Invalid <epochs> (-Ddl.epochs): must be >= 1, got 0");

        m = withDefaults();
        m.batchSize = -5;
        assertInvalid(m, "Invalid <batchSize> (-Ddl.batchSize): must be >= 1, got -5");

        m = withDefaults();
        m.minAccuracy = 97.0;
        assertInvalid(m, "Invalid <minAccuracy> (-Ddl.minAccuracy): must be between 0 and 1 (e.g. 0.98), got 97.0");

        m = withDefaults();
        m.learningRate = -1.0;
        assertInvalid(m, "Invalid <optimizer>/<learningRate> (-Ddl.learningRate): must be a finite number > 0, got -1.0");

        m = withDefaults();
        m.optimizer = new Optimizer("rmsprop");
        assertInvalid(m, "Invalid <optimizer>/<name>: 'rmsprop' is not supported; allowed: [adam, sgd]");

        m = withDefaults();
        m.optimizer = new Optimizer("sgd").momentum(1.0);
        assertInvalid(m, "Invalid <optimizer>/<momentum>: must be in [0, 1), got 1.0");

        m = withDefaults();
        m.optimizer = new Optimizer().schedule("linear", null);
        assertInvalid(m, "Invalid <optimizer>/<schedule>: 'linear' is not supported; allowed: [constant, cosine, exponential]");

        m = withDefaults();
        m.loss = "mse";
        assertInvalid(m, "Invalid <loss>: 'mse' is not supported; allowed: [crossEntropy]");

        m = withDefaults();
        m.modelName = "my model";
        assertInvalid(m, "Invalid <modelName>: 'my model' is not a usable file name; use letters, digits, '.', '_' or '-'");

        m = withDefaults();
        m.opset = 7;
        assertInvalid(m, "Invalid <opset>: must be between 13 and 21, got 7");

        m = withDefaults();
        m.dataset = " ";
        assertInvalid(m, "Invalid <dataset> (-Ddl.dataset): is required");

        m = withDefaults();
        m.inputStd = 0;
        assertInvalid(m, "Invalid <inputStd>: must be a finite number > 0, got 0.0");

        m = withDefaults();
        m.threads = 0;
        assertInvalid(m, "Invalid <threads> (-Ddl.threads): must be >= 1, got 0");
    }

    @Test
    void unknownCatalogDatasetFailsBeforeForking() {
        TrainMojo m = withDefaults();
        m.dataset = "mnsit";
        assertInvalid(m, "Invalid <dataset> (-Ddl.dataset): unknown dataset 'mnsit'; allowed: [mnist, fashion-mnist], "
                + "or give your own four IDX files");
    }

    @Test
    void incompleteOwnFilesNameAllFour() {
        TrainMojo m = withDefaults();
        m.trainImages = new File("x.idx");
        assertInvalid(m, "Invalid <trainImages>/<trainLabels>/<testImages>/<testLabels>: own IDX files need all four");
    }

    @Test
    void skipTouchesNothing() throws Exception {
        TrainMojo m = withDefaults();
        m.skip = true;
        m.epochs = 0; // would be invalid: skipping must not even validate
        m.outputDirectory = dir.resolve("dl").toFile();
        m.execute();
        assertFalse(Files.exists(dir.resolve("dl")));
    }

    @Test
    void badMaxHeapAndJvmAreReportedBeforeForking() {
        TrainMojo m = withDefaults();
        m.outputDirectory = dir.toFile();
        m.datasets = dir.toFile();
        m.maxHeap = "2 gigs";
        MojoExecutionException e = assertThrows(MojoExecutionException.class, m::execute);
        assertEquals("Invalid <maxHeap> (-Ddl.maxHeap): '2 gigs' is not a heap size; use a number with an optional "
                + "unit k, m or g, e.g. 512m or 2g", e.getMessage());

        m.maxHeap = "1g";
        m.jvm = dir.resolve("no-such-java").toFile();
        e = assertThrows(MojoExecutionException.class, m::execute);
        assertTrue(e.getMessage().startsWith("Invalid <jvm> (-Ddl.jvm): " + dir.resolve("no-such-java")), e.getMessage());
    }

    @Test
    void layerPojoLeavesAbsentFieldsOut() {
        assertEquals(LayerSpec.of("relu"), new Layer("relu", null, null).toSpec());
        assertNull(new Layer().toSpec().type());
    }

    @Test
    void layerPojoPassesEveryConfiguredParameterAsText() {
        assertEquals(LayerSpec.of("conv2d", "filters", "32", "kernel", "3x5", "stride", "2", "padding", "same", "bias", "false"),
                Layer.of("conv2d", "filters", "32", "kernel", " 3x5 ", "stride", "2", "padding", "same", "bias", "false").toSpec());
        assertEquals(LayerSpec.of("batchNorm", "momentum", "0.2", "epsilon", "1e-3"),
                Layer.of("batchNorm", "momentum", "0.2", "epsilon", "1e-3").toSpec());
        assertEquals(LayerSpec.of("dropConnect", "units", "64", "rate", "0.5", "init", "xavier"),
                Layer.of("dropConnect", "units", "64", "rate", "0.5", "init", "xavier").toSpec());
        assertEquals(LayerSpec.of("maxPool2d", "size", "2"), Layer.of("maxPool2d", "size", "2").toSpec());
        assertEquals(LayerSpec.of("leakyRelu", "alpha", "0.1"), Layer.of("leakyRelu", "alpha", "0.1").toSpec());
    }

    private static void assertInvalid(TrainMojo m, String expectedStart) {
        MojoExecutionException e = assertThrows(MojoExecutionException.class, m::toSpec);
        assertTrue(e.getMessage().startsWith(expectedStart), "expected: " + expectedStart + "\n     got: " + e.getMessage());
    }
}
