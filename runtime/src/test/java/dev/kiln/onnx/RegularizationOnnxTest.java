package dev.kiln.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.nn.BatchNorm;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Dense;
import dev.kiln.nn.DropConnect;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.onnx.proto.Onnx.ModelProto;
import dev.kiln.onnx.proto.Onnx.NodeProto;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Networks with the activation, dropout and batch norm layers, exported and run in ONNX Runtime:
 * ORT must compute what Kiln's inference computes, with batch norm's running statistics made
 * non-trivial by training-mode forwards first; and reading the file back must give the same
 * network, running statistics included.
 */
class RegularizationOnnxTest {

    private static Parallel parallel;
    private static Compute compute;

    @TempDir
    Path dir;

    @BeforeAll
    static void pool() {
        parallel = new Parallel(3);
        compute = Fixtures.compute(parallel);
    }

    @AfterAll
    static void closePool() {
        parallel.close();
    }

    /** Every new layer, batch norm both over an image's channel and over dense features. */
    static List<LayerSpec> mlp() {
        return List.of(
                LayerSpec.of("batchNorm"),
                LayerSpec.of("dense", "units", "32"),
                LayerSpec.of("batchNorm", "momentum", "0.3", "epsilon", "0.001"),
                LayerSpec.of("leakyRelu", "alpha", "0.1"),
                LayerSpec.of("dropout", "rate", "0.3"),
                LayerSpec.of("dropConnect", "units", "24", "rate", "0.4", "init", "xavier"),
                LayerSpec.of("tanh"),
                LayerSpec.of("dense", "units", "16"),
                LayerSpec.of("sigmoid"),
                LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax"));
    }

    /** Batch norm over three channels of 5×5, as it would follow a convolution. */
    static List<LayerSpec> channels() {
        return List.of(
                LayerSpec.of("batchNorm", "momentum", "0.5"),
                LayerSpec.of("leakyRelu"),
                LayerSpec.of("dropout", "rate", "0.5"),
                LayerSpec.of("dense", "units", "10"),
                LayerSpec.of("softmax"));
    }

    static TrainingSpec spec(List<LayerSpec> layers, int opset) {
        DataSpec data = new DataSpec("mnist", null, null, null, null, 0, 0.1307, 0.3081);
        return new TrainingSpec("reg", data, layers, "crossEntropy", OptimizerSpec.adam(), 1, 32, 42L, 2,
                0.9, opset).validate();
    }

    /**
     * The spec's network with random biases, gammas and betas, and running statistics moved away
     * from (0, 1) by a few training-mode forwards at different steps.
     */
    static Network network(TrainingSpec spec, int[] inputShape) {
        Network net = Network.build(compute, spec.layers(), inputShape, Fixtures.CLASSES, spec.data().inputMean(),
                spec.data().inputStd(), spec.seed());
        SplittableRandom rnd = new SplittableRandom(7);
        for (Layer l : net.layers()) {
            List<Parameter> ps = l instanceof BatchNorm bn ? List.of(bn.gamma(), bn.beta())
                    : l instanceof Dense d ? List.of(d.bias())
                    : l instanceof DropConnect d ? List.of(d.bias()) : List.of();
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] += (float) (rnd.nextDouble() - 0.5);
                }
            }
        }
        int n = 16;
        int size = Layer.size(inputShape);
        for (int step = 0; step < 4; step++) {
            byte[] px = new byte[n * size];
            new SplittableRandom(step).nextBytes(px);
            net.setStep(step);
            net.logits(net.loadInput(px, null, 0, n), n, true);
        }
        for (Parameter s : net.state()) {
            float expected = s.name().endsWith("running_var") ? 1f : 0f;
            assertTrue(Arrays.stream(box(s.value())).anyMatch(v -> Math.abs(v - expected) > 1e-3),
                    s.name() + " moved: " + Arrays.toString(s.value()));
        }
        return net;
    }

    private static double[] box(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 21})
    void onnxRuntimeMatchesTheMlp(int opset) throws Exception {
        TrainingSpec spec = spec(mlp(), opset);
        parity(spec, network(spec, Fixtures.INPUT_SHAPE), Fixtures.INPUT_SHAPE, "mlp opset " + opset);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 21})
    void onnxRuntimeMatchesChannelBatchNorm(int opset) throws Exception {
        TrainingSpec spec = spec(channels(), opset);
        int[] shape = {3, 5, 5};
        parity(spec, network(spec, shape), shape, "channels opset " + opset);
    }

    private void parity(TrainingSpec spec, Network net, int[] shape, String what) throws Exception {
        Path file = dir.resolve("reg.onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, file);
        int size = Layer.size(shape);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(file.toString(), opts)) {
            for (int n : new int[] {1, 7, 64}) {
                byte[] pixels = new byte[n * size];
                new SplittableRandom(100 + n).nextBytes(pixels);
                float[] kiln = Arrays.copyOf(net.predict(net.loadInput(pixels, null, 0, n), n), n * Fixtures.CLASSES);
                float[] x = new float[pixels.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = pixels[i] & 0xFF;
                }
                long[] dims = new long[shape.length + 1];
                dims[0] = n;
                for (int i = 0; i < shape.length; i++) {
                    dims[i + 1] = shape[i];
                }
                float[][] ort;
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
                     OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT_NAME, t))) {
                    ort = (float[][]) r.get(OnnxExporter.OUTPUT_NAME).orElseThrow().getValue();
                }
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < Fixtures.CLASSES; c++) {
                        assertEquals(kiln[r * Fixtures.CLASSES + c], ort[r][c], 1e-5f,
                                what + ", batch " + n + ", row " + r + ", class " + c);
                    }
                    assertEquals(Fixtures.argmax(kiln, r * Fixtures.CLASSES, Fixtures.CLASSES),
                            Fixtures.argmax(ort[r], 0, Fixtures.CLASSES), what + ", argmax of row " + r);
                }
            }
        }

        // Read back: same predictions bit for bit, and the same file when exported again.
        Network back = OnnxModelReader.read(file, compute);
        for (int k = 0; k < net.state().size(); k++) {
            assertArrayEquals(net.state().get(k).value(), back.state().get(k).value(), net.state().get(k).name());
        }
        for (int n : new int[] {3, 40}) {
            byte[] pixels = new byte[n * size];
            new SplittableRandom(n).nextBytes(pixels);
            float[] a = Arrays.copyOf(net.predict(net.loadInput(pixels, null, 0, n), n), n * Fixtures.CLASSES);
            float[] b = Arrays.copyOf(back.predict(back.loadInput(pixels, null, 0, n), n), n * Fixtures.CLASSES);
            assertArrayEquals(a, b, what + ", read back, batch " + n);
        }
        assertArrayEquals(Files.readAllBytes(file), OnnxExporter.toBytes(back, spec, Fixtures.METADATA));
    }

    @Test
    void graphUsesTheInferenceForms() throws Exception {
        TrainingSpec spec = spec(mlp(), 13);
        Network net = network(spec, Fixtures.INPUT_SHAPE);
        ModelProto m = ModelProto.parseFrom(OnnxExporter.toBytes(net, spec, Fixtures.METADATA));
        assertEquals(List.of("Mul", "Add", "BatchNormalization", "Flatten", "Gemm", "BatchNormalization",
                        "LeakyRelu", "Identity", "Gemm", "Tanh", "Gemm", "Sigmoid", "Gemm", "Softmax"),
                m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        NodeProto bn = m.getGraph().getNode(5);
        assertEquals(List.of("layer2_batchNorm.weight", "layer2_batchNorm.bias", "layer2_batchNorm.running_mean",
                "layer2_batchNorm.running_var"), bn.getInputList().subList(1, 5));
        assertEquals(0.001f, bn.getAttributeList().stream().filter(a -> a.getName().equals("epsilon"))
                .findFirst().orElseThrow().getF());
        assertEquals(0.1f, m.getGraph().getNode(6).getAttribute(0).getF());
        List<String> inits = m.getGraph().getInitializerList().stream().map(t -> t.getName()).toList();
        for (Parameter p : net.state()) {
            assertTrue(inits.contains(p.name()), p.name() + " exported");
        }
        assertTrue(net.parameters().stream().noneMatch(p -> p.name().contains("running")),
                "running statistics are not trainable");
    }
}
