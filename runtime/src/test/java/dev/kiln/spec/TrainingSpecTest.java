package dev.kiln.spec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingSpecTest {

    static TrainingSpec mlp() {
        return new TrainingSpec("mnist-mlp", DataSpec.catalog("mnist"),
                List.of(LayerSpec.of("dense", "units", "512"), LayerSpec.of("relu"),
                        LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")),
                "crossEntropy", OptimizerSpec.adam(), 3, 50, 42, 2, 0.98, 13);
    }

    @Test
    void textRoundTripsExactly() {
        TrainingSpec s = mlp().withData(new DataSpec("own = data\nx", "/a b/train:img", "/l", "/t", "/tl", 100, 0.1307, 0.3081));
        TrainingSpec back = TrainingSpec.parse(s.toText());
        assertEquals(s, back);
        assertEquals(s.toText(), back.toText());
    }

    @Test
    void fingerprintIgnoresThreadsAndGateButNotTheModel() {
        TrainingSpec s = mlp();
        assertEquals(s.fingerprint(), s.withThreads(7).fingerprint());
        assertEquals(s.fingerprint(), new TrainingSpec(s.modelName(), s.data(), s.layers(), s.loss(), s.optimizer(),
                s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.5, s.opset()).fingerprint());
        assertNotEquals(s.fingerprint(), s.withEpochs(4).fingerprint());
        assertNotEquals(s.fingerprint(), s.withOptimizer(s.optimizer().withLearningRate(0.002)).fingerprint());
        assertEquals(64, s.fingerprint().length());
    }

    @Test
    void validationNamesTheField() {
        assertField("epochs", mlp().withEpochs(0));
        assertField("threads", mlp().withThreads(0));
        assertField("optimizer.learningRate", mlp().withOptimizer(mlp().optimizer().withLearningRate(-1)));
        assertField("optimizer", mlp().withOptimizer(OptimizerSpec.defaults("rmsprop")));
        assertField("trainLimit", mlp().withData(DataSpec.catalog("mnist").withTrainLimit(-5)));
        TrainingSpec s = mlp();
        assertField("minAccuracy", new TrainingSpec(s.modelName(), s.data(), s.layers(), s.loss(), s.optimizer(),
                s.epochs(), s.batchSize(), s.seed(), s.threads(), 98, s.opset()));
        assertField("modelName", new TrainingSpec("../evil", s.data(), s.layers(), s.loss(), s.optimizer(),
                s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, s.opset()));
        assertField("loss", new TrainingSpec(s.modelName(), s.data(), s.layers(), "mse", s.optimizer(),
                s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, s.opset()));
        assertField("opset", new TrainingSpec(s.modelName(), s.data(), s.layers(), s.loss(), s.optimizer(),
                s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, 9));
    }

    @Test
    void layersAreCheckedWithoutBuildingAnything() {
        TrainingSpec s = mlp();
        assertField("layers[1].type", new TrainingSpec(s.modelName(), s.data(),
                List.of(LayerSpec.of("dense", "units", "10"), LayerSpec.of("lstm"), LayerSpec.of("softmax")),
                s.loss(), s.optimizer(), s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, s.opset()));
        assertField("layers[0].units", new TrainingSpec(s.modelName(), s.data(),
                List.of(LayerSpec.of("dense", "units", "-3"), LayerSpec.of("softmax")),
                s.loss(), s.optimizer(), s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, s.opset()));
        assertField("layers[1].type", new TrainingSpec(s.modelName(), s.data(),
                List.of(LayerSpec.of("dense", "units", "10"), LayerSpec.of("relu")),
                s.loss(), s.optimizer(), s.epochs(), s.batchSize(), s.seed(), s.threads(), 0.9, s.opset()));
    }

    @Test
    void unreadableTextIsASpecError() {
        SpecException e = assertThrows(SpecException.class, () -> TrainingSpec.parse("modelName=x\n"));
        assertTrue(e.getMessage().contains("layers.count"), e.getMessage());
    }

    private static void assertField(String field, TrainingSpec s) {
        SpecException e = assertThrows(SpecException.class, s::validate);
        assertEquals(field, e.field(), e.getMessage());
    }
}
