package dev.kiln.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.onnx.proto.Onnx.AttributeProto;
import dev.kiln.onnx.proto.Onnx.GraphProto;
import dev.kiln.onnx.proto.Onnx.ModelProto;
import dev.kiln.onnx.proto.Onnx.NodeProto;
import dev.kiln.onnx.proto.Onnx.TensorProto;
import dev.kiln.onnx.proto.Onnx.TensorShapeProto;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxExporterTest {

    private static Parallel parallel;
    private static Compute compute;

    @TempDir
    Path dir;

    @BeforeAll
    static void pool() {
        parallel = new Parallel(2);
        compute = Fixtures.compute(parallel);
    }

    @AfterAll
    static void closePool() {
        parallel.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 21})
    void onnxRuntimeComputesWhatKilnComputes(int opset) throws Exception {
        TrainingSpec spec = Fixtures.spec(opset);
        Network net = Fixtures.network(compute, spec);
        Path file = dir.resolve("digits.onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, file);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(file.toString(), opts)) {
            int[] batches = {1, 7, 64};
            for (int b = 0; b < batches.length; b++) {
                int n = batches[b];
                byte[] pixels = Fixtures.pixels(100 + b, n);
                float[] kiln = Fixtures.predict(net, pixels, n);
                float[][] ort = runOrt(env, session, pixels, n);
                for (int r = 0; r < n; r++) {
                    assertEquals(Fixtures.CLASSES, ort[r].length);
                    for (int c = 0; c < Fixtures.CLASSES; c++) {
                        assertEquals(kiln[r * Fixtures.CLASSES + c], ort[r][c], 1e-5f,
                                "opset " + opset + ", batch " + n + ", row " + r + ", class " + c);
                    }
                    assertEquals(Fixtures.argmax(kiln, r * Fixtures.CLASSES, Fixtures.CLASSES),
                            Fixtures.argmax(ort[r], 0, Fixtures.CLASSES), "argmax of row " + r);
                }
            }
        }
    }

    /** Raw pixels as float32 {@code [n,1,28,28]}, exactly what a consumer of the model feeds. */
    static float[][] runOrt(OrtEnvironment env, OrtSession session, byte[] pixels, int n) throws OrtException {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels[i] & 0xFF;
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 1, 28, 28});
             OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT_NAME, t))) {
            return (float[][]) r.get(OnnxExporter.OUTPUT_NAME).orElseThrow().getValue();
        }
    }

    @Test
    void fileCarriesVersionsProducerAndMetadata() throws Exception {
        TrainingSpec spec = Fixtures.spec(17);
        Path file = dir.resolve("digits.onnx");
        OnnxExporter.export(Fixtures.network(compute, spec), spec, Fixtures.METADATA, file);

        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(8, m.getIrVersion());
        assertEquals(1, m.getOpsetImportCount());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("kiln", m.getProducerName());
        assertEquals("0.0.0-test", m.getProducerVersion());
        List<String> keys = m.getMetadataPropsList().stream().map(e -> e.getKey()).collect(Collectors.toList());
        assertEquals(List.of("kiln.fingerprint", "kiln.spec", "kiln.testAccuracy", "kiln.version"), keys,
                "every entry, sorted by key");

        // What any ONNX consumer sees, not just our own parser.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(file.toString(), opts)) {
            Map<String, String> custom = session.getMetadata().getCustomMetadata();
            assertEquals(spec.modelOnly().toText(), custom.get(OnnxExporter.META_SPEC));
            assertEquals(spec.fingerprint(), custom.get(OnnxExporter.META_FINGERPRINT));
            assertEquals("0.9123", custom.get("kiln.testAccuracy"));
            assertEquals("kiln", session.getMetadata().getProducerName());
        }
    }

    @Test
    void irVersionFollowsTheOnnxReleaseOfEachOpset() {
        Map<Integer, Integer> expected = new HashMap<>();
        for (int opset = 13; opset <= 21; opset++) {
            expected.put(opset, opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10);
        }
        expected.forEach((opset, ir) -> assertEquals(ir, OnnxExporter.irVersion(opset), "opset " + opset));
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.irVersion(12));
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.irVersion(22));
    }

    @Test
    void graphHasTheDocumentedShapeOpsAndWeights() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        Network net = Fixtures.network(compute, spec);
        GraphProto g = ModelProto.parseFrom(OnnxExporter.toBytes(net, spec, Fixtures.METADATA)).getGraph();

        assertEquals(List.of("N", "1", "28", "28"), dimsOf(g.getInput(0).getType().getTensorType().getShape()));
        assertEquals("input", g.getInput(0).getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, g.getInput(0).getType().getTensorType().getElemType());
        assertEquals(List.of("N", "10"), dimsOf(g.getOutput(0).getType().getTensorType().getShape()));
        assertEquals("probabilities", g.getOutput(0).getName());
        assertEquals(List.of("Mul", "Add", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"),
                g.getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList()));
        NodeProto gemm = g.getNode(3);
        assertEquals(0, attr(gemm, "transB").getI());
        assertEquals(1, attr(g.getNode(6), "axis").getI());
        assertEquals(1, attr(g.getNode(2), "axis").getI());

        Dense d0 = (Dense) net.layers().get(0);
        TensorProto w = g.getInitializerList().stream().filter(t -> t.getName().equals(d0.weight().name()))
                .findFirst().orElseThrow();
        assertEquals(List.of(784L, 32L), w.getDimsList());
        float[] stored = new float[784 * 32];
        w.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
        assertArrayEquals(d0.weight().value(), stored, "raw_data is the [in][out] weights, little-endian");

        TensorProto scale = g.getInitializerList().stream().filter(t -> t.getName().equals("input_scale"))
                .findFirst().orElseThrow();
        assertEquals(0, scale.getDimsCount(), "scalar");
        assertEquals(net.inputScale(),
                scale.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    private static List<String> dimsOf(TensorShapeProto shape) {
        List<String> out = new ArrayList<>();
        for (TensorShapeProto.Dimension d : shape.getDimList()) {
            out.add(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
        }
        return out;
    }

    private static AttributeProto attr(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void sameNetworkGivesTheSameBytes() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");
        OnnxExporter.export(Fixtures.network(compute, spec), spec, Fixtures.METADATA, a);
        // A second, separately built network with the same weights; the map in another order.
        Map<String, String> reordered = new java.util.LinkedHashMap<>();
        reordered.put("kiln.version", "0.0.0-test");
        reordered.put("kiln.testAccuracy", "0.9123");
        OnnxExporter.export(Fixtures.network(compute, spec), spec, reordered, b);
        assertEquals(-1, Files.mismatch(a, b));
    }

    @Test
    void threadsAndGateDoNotChangeTheBytes() {
        TrainingSpec spec = Fixtures.spec(13);
        TrainingSpec other = new TrainingSpec(spec.modelName(), spec.data(), spec.layers(), spec.loss(),
                spec.optimizer(), spec.epochs(), spec.batchSize(), spec.seed(), 7, 0.5, spec.opset());
        assertArrayEquals(OnnxExporter.toBytes(Fixtures.network(compute, spec), spec, Fixtures.METADATA),
                OnnxExporter.toBytes(Fixtures.network(compute, other), other, Fixtures.METADATA));
    }

    @Test
    void layerWithoutOnnxMappingIsNamed() {
        Layer odd = new Layer() {
            @Override
            public String type() {
                return "dropout";
            }

            @Override
            public int[] outputShape() {
                return new int[] {784};
            }

            @Override
            public float[] forward(float[] in, int batch, boolean training) {
                return in;
            }

            @Override
            public float[] backward(float[] gradOut, int batch) {
                return gradOut;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.graph("m", List.of(odd), Fixtures.INPUT_SHAPE, 1f, 0f));
        assertTrue(e.getMessage().contains(odd.getClass().getName()), e.getMessage());
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
    }

    @Test
    void specThatDoesNotDescribeTheNetworkIsRejected() {
        TrainingSpec spec = Fixtures.spec(13);
        Network net = Fixtures.network(compute, spec);
        List<LayerSpec> other = new ArrayList<>(spec.layers());
        other.set(1, LayerSpec.of("softmax"));
        TrainingSpec wrong = new TrainingSpec(spec.modelName(), spec.data(), other, spec.loss(), spec.optimizer(),
                spec.epochs(), spec.batchSize(), spec.seed(), spec.threads(), spec.minAccuracy(), spec.opset());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.export(net, wrong, Map.of(), dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("layer 1"), e.getMessage());
        assertEquals(0, listing(dir).size(), "nothing written");
    }

    @Test
    void reservedMetadataKeysAndBadOpsetsAreRejected() {
        TrainingSpec spec = Fixtures.spec(13);
        Network net = Fixtures.network(compute, spec);
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(net, spec,
                Map.of(OnnxExporter.META_SPEC, "forged")));
        TrainingSpec opset12 = new TrainingSpec(spec.modelName(), spec.data(), spec.layers(), spec.loss(),
                spec.optimizer(), spec.epochs(), spec.batchSize(), spec.seed(), spec.threads(), spec.minAccuracy(), 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toBytes(net, opset12, Map.of()));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTempFile() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        Network net = Fixtures.network(compute, spec);
        Path out = dir.resolve("models").resolve("digits.onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, out);
        Files.writeString(out, "an older, different model");
        OnnxExporter.export(net, spec, Fixtures.METADATA, out);

        assertArrayEquals(OnnxExporter.toBytes(net, spec, Fixtures.METADATA), Files.readAllBytes(out));
        assertEquals(List.of("digits.onnx"), listing(out.getParent()));
    }

    @Test
    void failedWriteRemovesItsTempFile() throws Exception {
        // A non-empty folder where the model should go: the final move must fail.
        Path out = dir.resolve("digits.onnx");
        Files.createDirectories(out.resolve("occupied"));
        TrainingSpec spec = Fixtures.spec(13);
        assertThrows(IOException.class,
                () -> OnnxExporter.export(Fixtures.network(compute, spec), spec, Fixtures.METADATA, out));
        assertEquals(List.of("digits.onnx"), listing(dir));
        assertEquals(List.of("occupied"), listing(out));
    }

    private static List<String> listing(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
