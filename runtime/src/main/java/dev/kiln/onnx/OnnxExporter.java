package dev.kiln.onnx;

import com.google.protobuf.CodedOutputStream;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.onnx.proto.Onnx.GraphProto;
import dev.kiln.onnx.proto.Onnx.ModelProto;
import dev.kiln.onnx.proto.Onnx.OperatorSetIdProto;
import dev.kiln.onnx.proto.Onnx.StringStringEntryProto;
import dev.kiln.onnx.proto.Onnx.TensorProto;
import dev.kiln.onnx.proto.Onnx.TensorShapeProto;
import dev.kiln.onnx.proto.Onnx.TypeProto;
import dev.kiln.onnx.proto.Onnx.ValueInfoProto;
import dev.kiln.report.AtomicFiles;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.TrainingSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link Network} as an ONNX model that takes raw pixels and returns class
 * probabilities.
 *
 * <p>The graph is {@code input [N,C,H,W] (0–255)} → {@code Mul(scale)} → {@code Add(shift)} →
 * the nodes of each layer (see {@link LayerExporters}; e.g. dense → {@code Flatten} when its input
 * is not flat, then {@code Gemm}) → {@code probabilities [N,classes]}. The normalization is part of the graph so that consumers
 * never have to know the training mean and standard deviation.
 *
 * <p>The file is a pure function of the network, the spec and the metadata: no timestamps, and
 * metadata sorted by key. It carries the spec ({@value #META_SPEC}) and its fingerprint
 * ({@value #META_FINGERPRINT}) so {@link OnnxModelReader} can rebuild the network and anyone can
 * tell which configuration produced it.
 */
public final class OnnxExporter {

    /** {@code producer_name} of every model Kiln writes; {@link OnnxModelReader} checks it. */
    public static final String PRODUCER_NAME = "kiln";
    /** Metadata key: the {@link TrainingSpec#toText()} of {@link TrainingSpec#modelOnly()}. */
    public static final String META_SPEC = "kiln.spec";
    /** Metadata key: {@link TrainingSpec#fingerprint()}. */
    public static final String META_FINGERPRINT = "kiln.fingerprint";
    /**
     * Metadata key whose value, when given, becomes {@code producer_version}; without it the
     * runtime jar's {@code Implementation-Version} is used.
     */
    public static final String META_VERSION = "kiln.version";
    /** Name of the graph input: raw pixels {@code [N, C, H, W]}, float32 in {@code 0..255}. */
    public static final String INPUT_NAME = "input";
    /** Name of the graph output: class probabilities {@code [N, classes]}, float32. */
    public static final String OUTPUT_NAME = "probabilities";
    /** Symbolic batch dimension of the input and output. */
    public static final String BATCH_DIM = "N";
    /** Initializer holding the pixel multiplier ({@link Network#inputScale()}). */
    public static final String SCALE_NAME = "input_scale";
    /** Initializer holding the offset added after scaling ({@link Network#inputShift()}). */
    public static final String SHIFT_NAME = "input_shift";

    private OnnxExporter() {
    }

    /**
     * Writes {@code net} to {@code out}, atomically: the bytes go to a temporary file in the same
     * folder, which then replaces {@code out} in one move, so a reader never sees half a model.
     * The temporary file is removed when anything fails. Missing parent folders are created.
     *
     * @param net      the trained network
     * @param spec     the spec it was built and trained from; its layers must match {@code net}'s,
     *                 its {@link TrainingSpec#opset() opset} sets the ONNX opset
     * @param metadata extra {@code metadata_props} (for example accuracy); keys {@value #META_SPEC}
     *                 and {@value #META_FINGERPRINT} are reserved
     * @param out      the {@code .onnx} file to write
     * @throws IllegalArgumentException for a layer with no ONNX mapping, an unsupported opset, a
     *                                  spec that does not describe {@code net}, or reserved keys
     * @throws IOException              when the file cannot be written
     */
    public static void export(Network net, TrainingSpec spec, Map<String, String> metadata, Path out)
            throws IOException {
        byte[] bytes = toBytes(net, spec, metadata);
        writeAtomically(bytes, out);
    }

    /** The serialized model {@link #export} would write. */
    public static byte[] toBytes(Network net, TrainingSpec spec, Map<String, String> metadata) {
        ModelProto model = model(net, spec, metadata);
        byte[] bytes = new byte[model.getSerializedSize()];
        CodedOutputStream cos = CodedOutputStream.newInstance(bytes);
        // Pins field order for every protobuf version, not just today's default behaviour.
        cos.useDeterministicSerialization();
        try {
            model.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("serializing to a byte array cannot fail", e);
        }
        return bytes;
    }

    /**
     * The ONNX IR version written for an opset: the one of the ONNX release that introduced the
     * opset, so the file loads in every runtime that knows the opset.
     *
     * @throws IllegalArgumentException outside {@link TrainingSpec#MIN_OPSET}..{@link TrainingSpec#MAX_OPSET}
     */
    public static int irVersion(int opset) {
        if (opset < TrainingSpec.MIN_OPSET || opset > TrainingSpec.MAX_OPSET) {
            throw new IllegalArgumentException("ONNX opset " + opset + " is not supported; use "
                    + TrainingSpec.MIN_OPSET + " to " + TrainingSpec.MAX_OPSET);
        }
        // ONNX 1.8/1.9 → IR 7 (opsets 13, 14); 1.10–1.13 → IR 8 (15–18); 1.14/1.15 → IR 9 (19, 20);
        // 1.16 → IR 10 (21).
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return 10;
    }

    static ModelProto model(Network net, TrainingSpec spec, Map<String, String> metadata) {
        int ir = irVersion(spec.opset());
        checkSpecMatches(net, spec);
        TreeMap<String, String> props = new TreeMap<>();
        metadata.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("metadata keys and values must not be null: " + k + "=" + v);
            }
            if (k.equals(META_SPEC) || k.equals(META_FINGERPRINT)) {
                throw new IllegalArgumentException("metadata key '" + k + "' is reserved; the exporter writes it");
            }
            props.put(k, v);
        });
        // threads and the gate never change the weights: leave them out so the file's bytes don't either
        props.put(META_SPEC, spec.modelOnly().toText());
        props.put(META_FINGERPRINT, spec.fingerprint());

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(ir)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(spec.opset()))
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion(producerVersion(metadata))
                .setGraph(graph(spec.modelName(), net.layers(), net.inputShape(), net.inputScale(),
                        net.inputShift()));
        props.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    /** The reader rebuilds the network from the spec, so a spec for another network would be a lie. */
    private static void checkSpecMatches(Network net, TrainingSpec spec) {
        List<Layer> layers = net.layers();
        List<LayerSpec> specs = spec.layers();
        if (layers.size() != specs.size()) {
            throw new IllegalArgumentException("the spec describes " + specs.size()
                    + " layers but the network has " + layers.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).type().equals(specs.get(i).type())) {
                throw new IllegalArgumentException("layer " + i + " is " + layers.get(i).type()
                        + " in the network but " + specs.get(i).type() + " in the spec");
            }
        }
    }

    private static String producerVersion(Map<String, String> metadata) {
        String v = metadata.get(META_VERSION);
        if (v == null) {
            v = OnnxExporter.class.getPackage().getImplementationVersion();
        }
        // Classes outside a jar (tests, IDE runs) have no manifest.
        return v == null ? "unknown" : v;
    }

    /** Package-private so tests can feed layers that {@link Network#build} would never create. */
    static GraphProto graph(String name, List<Layer> layers, int[] inputShape, float scale, float shift) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network without layers cannot be exported");
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName(name)
                .setDocString("Raw pixels (0-255) in, class probabilities out; normalization is built in.");
        GraphWriter w = new GraphWriter(g);
        long[] inDims = new long[inputShape.length];
        for (int i = 0; i < inputShape.length; i++) {
            inDims[i] = inputShape[i];
        }
        g.addInput(valueInfo(INPUT_NAME, inDims));
        w.initializer(SCALE_NAME, new long[0], new float[] {scale});
        w.initializer(SHIFT_NAME, new long[0], new float[] {shift});
        w.node("normalize_scale", "Mul", List.of(INPUT_NAME, SCALE_NAME), "input_scaled");
        w.node("normalize_shift", "Add", List.of("input_scaled", SHIFT_NAME), "input_normalized");

        String prev = "input_normalized";
        int[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String prefix = "layer" + i + "_" + l.type();
            String output = i == layers.size() - 1 ? OUTPUT_NAME : prefix + "_out";
            LayerExporters.write(l, i, shape, prev, output, prefix, w);
            prev = output;
            shape = l.outputShape();
        }
        g.addOutput(valueInfo(OUTPUT_NAME, new long[] {Layer.size(shape)}));
        return g.build();
    }

    /** A float32 tensor value named {@code name} with a symbolic batch dimension in front of {@code dims}. */
    private static ValueInfoProto valueInfo(String name, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }


    /** Package-private for the tests of failure clean-up. */
    static void writeAtomically(byte[] bytes, Path out) throws IOException {
        AtomicFiles.write(out, o -> o.write(bytes));
    }
}
