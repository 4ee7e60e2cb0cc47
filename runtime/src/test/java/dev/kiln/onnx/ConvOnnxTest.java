package dev.kiln.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.onnx.proto.Onnx.GraphProto;
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
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Networks of image layers, exported and run in ONNX Runtime: the same probabilities as Kiln
 * (to float rounding) and the same argmax; and read back by {@link OnnxModelReader} exactly.
 */
class ConvOnnxTest {

    private static Parallel parallel;
    private static Compute compute;

    @TempDir
    Path dir;

    /** conv (stride 2, same) → relu → maxpool (same) → conv (explicit 1) → avgpool (same) → flatten → dense → softmax. */
    static final List<LayerSpec> POOLED = List.of(
            LayerSpec.of("conv2d", "filters", "8", "kernel", "3", "stride", "2", "padding", "same"),
            LayerSpec.of("relu"),
            LayerSpec.of("maxPool2d", "size", "3", "stride", "2", "padding", "same"),
            LayerSpec.of("conv2d", "filters", "6", "kernel", "3x2", "padding", "1", "init", "xavier"),
            LayerSpec.of("avgPool2d", "size", "2", "padding", "same"),
            LayerSpec.of("flatten"),
            LayerSpec.of("dense", "units", "10"),
            LayerSpec.of("softmax"));

    /** conv (no bias) → relu → conv (stride 2) → global average → softmax over channels. */
    static final List<LayerSpec> GLOBAL = List.of(
            LayerSpec.of("conv2d", "filters", "4", "kernel", "5", "bias", "false"),
            LayerSpec.of("relu"),
            LayerSpec.of("conv2d", "filters", "10", "kernel", "3", "stride", "2"),
            LayerSpec.of("globalAvgPool"),
            LayerSpec.of("softmax"));

    /** Overlapping explicit-padded pooling, and dense reading an image directly (implicit Flatten). */
    static final List<LayerSpec> IMPLICIT = List.of(
            LayerSpec.of("conv2d", "filters", "3", "kernel", "4x3", "stride", "2x3", "padding", "2x1"),
            LayerSpec.of("maxPool2d", "size", "3", "stride", "1", "padding", "1"),
            LayerSpec.of("avgPool2d", "size", "3x2", "stride", "2x1", "padding", "1"),
            LayerSpec.of("dense", "units", "10"),
            LayerSpec.of("softmax"));

    @BeforeAll
    static void pool() {
        parallel = new Parallel(2);
        compute = Fixtures.compute(parallel);
    }

    @AfterAll
    static void closePool() {
        parallel.close();
    }

    static List<LayerSpec> layers(String name) {
        return switch (name) {
            case "pooled" -> POOLED;
            case "global" -> GLOBAL;
            default -> IMPLICIT;
        };
    }

    static TrainingSpec spec(List<LayerSpec> layers, int opset) {
        DataSpec data = new DataSpec("mnist", null, null, null, null, 0, 0.1307, 0.3081);
        return new TrainingSpec("cnn", data, layers, "crossEntropy", OptimizerSpec.adam(), 1, 32, 42L, 2,
                0.9, opset).validate();
    }

    /** The spec's network with random biases, so bias export is exercised. */
    static Network network(TrainingSpec spec) {
        Network net = Network.build(compute, spec.layers(), Fixtures.INPUT_SHAPE, Fixtures.CLASSES,
                spec.data().inputMean(), spec.data().inputStd(), spec.seed());
        SplittableRandom rnd = new SplittableRandom(9);
        for (Parameter p : net.parameters()) {
            if (p.name().endsWith(".bias")) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = (float) (rnd.nextDouble() - 0.5);
                }
            }
        }
        return net;
    }

    @ParameterizedTest
    @CsvSource({"pooled,13", "pooled,21", "global,13", "global,17", "implicit,13", "implicit,21"})
    void onnxRuntimeComputesWhatKilnComputes(String name, int opset) throws Exception {
        TrainingSpec spec = spec(layers(name), opset);
        Network net = network(spec);
        Path file = dir.resolve(name + ".onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, file);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(file.toString(), opts)) {
            for (int n : new int[] {1, 9}) {
                byte[] pixels = Fixtures.pixels(300 + n, n);
                float[] kiln = Fixtures.predict(net, pixels, n);
                float[][] ort = OnnxExporterTest.runOrt(env, session, pixels, n);
                for (int r = 0; r < n; r++) {
                    assertEquals(Fixtures.CLASSES, ort[r].length);
                    for (int c = 0; c < Fixtures.CLASSES; c++) {
                        float k = kiln[r * Fixtures.CLASSES + c];
                        worst = Math.max(worst, Math.abs(k - ort[r][c]));
                        assertEquals(k, ort[r][c], 1e-5f, name + " opset " + opset + ", row " + r + ", class " + c);
                    }
                    assertEquals(Fixtures.argmax(kiln, r * Fixtures.CLASSES, Fixtures.CLASSES),
                            Fixtures.argmax(ort[r], 0, Fixtures.CLASSES), "argmax of row " + r);
                }
            }
        }
        System.out.printf("ConvOnnxTest %s opset %d: max |Kiln - ORT| = %.3g%n", name, opset, worst);
    }

    @ParameterizedTest
    @CsvSource({"pooled", "global", "implicit"})
    void readBackNetworkPredictsExactlyTheSame(String name) throws Exception {
        TrainingSpec spec = spec(layers(name), 13);
        Network net = network(spec);
        Path file = dir.resolve(name + ".onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, file);
        Network back = OnnxModelReader.read(file, compute);
        byte[] pixels = Fixtures.pixels(17, 6);
        assertArrayEquals(Fixtures.predict(net, pixels, 6), Fixtures.predict(back, pixels, 6));
        assertArrayEquals(Files.readAllBytes(file), OnnxExporter.toBytes(back, spec, Fixtures.METADATA));
    }

    @Test
    void graphUsesStandardOperatorsWithExplicitPads() throws Exception {
        TrainingSpec spec = spec(POOLED, 13);
        GraphProto g = ModelProto.parseFrom(OnnxExporter.toBytes(network(spec), spec, Fixtures.METADATA)).getGraph();
        assertEquals(List.of("Mul", "Add", "Conv", "Relu", "MaxPool", "Conv", "AveragePool", "Flatten", "Gemm", "Softmax"),
                g.getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList()));
        NodeProto conv = g.getNode(2);
        // 28 → 14 with stride 2: one row and column of padding in total, at the end (SAME_UPPER)
        assertEquals(List.of(0L, 0L, 1L, 1L), ints(conv, "pads"));
        assertEquals(List.of(2L, 2L), ints(conv, "strides"));
        assertEquals(List.of(3L, 3L), ints(conv, "kernel_shape"));
        assertEquals(3, conv.getInputCount(), "x, W, B");
        NodeProto avg = g.getNode(6);
        assertEquals(0, avg.getAttributeList().stream().filter(a -> a.getName().equals("count_include_pad"))
                .findFirst().orElseThrow().getI());
        assertEquals(List.of(0L, 0L, 1L, 0L), ints(avg, "pads"), "7x8 → 4x4: one row at the bottom");

        TrainingSpec global = spec(GLOBAL, 13);
        GraphProto g2 = ModelProto.parseFrom(OnnxExporter.toBytes(network(global), global, Map.of())).getGraph();
        assertEquals(List.of("Mul", "Add", "Conv", "Relu", "Conv", "GlobalAveragePool", "Flatten", "Softmax"),
                g2.getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList()));
        assertEquals(2, g2.getNode(2).getInputCount(), "no bias input when bias=false");
    }

    private static List<Long> ints(NodeProto n, String attr) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(attr)).findFirst().orElseThrow().getIntsList();
    }
}
