package dev.kiln.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.onnx.proto.Onnx.ModelProto;
import dev.kiln.onnx.proto.Onnx.StringStringEntryProto;
import dev.kiln.onnx.proto.Onnx.TensorProto;
import dev.kiln.onnx.proto.Onnx.TensorShapeProto;
import dev.kiln.onnx.proto.Onnx.ValueInfoProto;
import dev.kiln.spec.TrainingSpec;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back models written by {@link OnnxExporter}. The network's structure comes from the
 * spec stored in the file ({@value OnnxExporter#META_SPEC}), its weights from the initializers;
 * the graph itself is not interpreted, so ONNX files from other tools are rejected rather than
 * guessed at.
 */
public final class OnnxModelReader {

    private OnnxModelReader() {
    }

    /**
     * Rebuilds the network stored in {@code onnx}: same layers, normalization and weights, so it
     * predicts exactly what the exported network did.
     *
     * @param compute kernels and worker pool for the rebuilt network
     * @throws OnnxFormatException when the file is not a readable ONNX model written by Kiln, or
     *                             its contents disagree with its own spec
     * @throws IOException         when the file cannot be read
     */
    public static Network read(Path onnx, Compute compute) throws IOException {
        ModelProto model = parse(onnx);
        Map<String, String> meta = metadata(model);
        if (!OnnxExporter.PRODUCER_NAME.equals(model.getProducerName()) || !meta.containsKey(OnnxExporter.META_SPEC)) {
            throw new OnnxFormatException(onnx, "not a model exported by Kiln (producer '" + model.getProducerName()
                    + "', " + (meta.containsKey(OnnxExporter.META_SPEC) ? "with" : "no") + " "
                    + OnnxExporter.META_SPEC + " metadata)");
        }
        TrainingSpec spec;
        try {
            spec = TrainingSpec.parse(meta.get(OnnxExporter.META_SPEC));
        } catch (RuntimeException e) {
            // SpecException for a missing or bad key, NumberFormatException for the seed.
            throw new OnnxFormatException(onnx, "the stored " + OnnxExporter.META_SPEC + " is unusable: "
                    + e.getMessage(), e);
        }
        String fingerprint = meta.get(OnnxExporter.META_FINGERPRINT);
        if (!spec.fingerprint().equals(fingerprint)) {
            throw new OnnxFormatException(onnx, OnnxExporter.META_FINGERPRINT + " " + fingerprint
                    + " does not match the stored spec (" + spec.fingerprint() + "); the file was altered");
        }

        long[] inDims = dims(onnx, model.getGraph().getInputList(), OnnxExporter.INPUT_NAME);
        long[] outDims = dims(onnx, model.getGraph().getOutputList(), OnnxExporter.OUTPUT_NAME);
        if (inDims.length < 2 || outDims.length != 2) {
            throw new OnnxFormatException(onnx, "expected input [N, ...] and output [N, classes], got "
                    + Arrays.toString(inDims) + " and " + Arrays.toString(outDims));
        }
        int[] inputShape = new int[inDims.length - 1];
        for (int i = 1; i < inDims.length; i++) {
            inputShape[i - 1] = toInt(onnx, inDims[i], OnnxExporter.INPUT_NAME);
        }
        int classes = toInt(onnx, outDims[1], OnnxExporter.OUTPUT_NAME);

        Network net;
        try {
            net = Network.build(compute, spec.layers(), inputShape, classes, spec.data().inputMean(),
                    spec.data().inputStd(), spec.seed());
        } catch (RuntimeException e) {
            // Mostly SpecException; an empty layer list fails deeper down.
            throw new OnnxFormatException(onnx, "the stored spec does not build a network for input "
                    + Arrays.toString(inputShape) + " and " + classes + " classes: " + e.getMessage(), e);
        }

        Map<String, TensorProto> inits = new HashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            inits.put(t.getName(), t);
        }
        // The graph bakes in the normalization; the rebuilt network derives it from the spec. They
        // must agree bit for bit or the two would predict differently.
        checkScalar(onnx, inits, OnnxExporter.SCALE_NAME, net.inputScale());
        checkScalar(onnx, inits, OnnxExporter.SHIFT_NAME, net.inputShift());
        // Trainable parameters and non-trainable state (batch norm statistics) alike, by name.
        List<Parameter> tensors = new ArrayList<>(net.parameters());
        tensors.addAll(net.state());
        for (Parameter p : tensors) {
            TensorProto t = inits.get(p.name());
            if (t == null) {
                throw new OnnxFormatException(onnx, "initializer '" + p.name() + "' is missing");
            }
            load(onnx, t, p.shape(), p.value());
        }
        return net;
    }

    /**
     * The {@code metadata_props} of any ONNX model, in file order; for Kiln models they include
     * {@value OnnxExporter#META_SPEC} and {@value OnnxExporter#META_FINGERPRINT}.
     *
     * @throws OnnxFormatException when the file is not a readable ONNX model
     * @throws IOException         when the file cannot be read
     */
    public static Map<String, String> metadata(Path onnx) throws IOException {
        return metadata(parse(onnx));
    }

    private static Map<String, String> metadata(ModelProto model) {
        Map<String, String> m = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static ModelProto parse(Path onnx) throws IOException {
        byte[] bytes = Files.readAllBytes(onnx);
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(onnx, "not an ONNX model, or a damaged one (" + e.getMessage() + ")", e);
        }
        // Many byte strings happen to parse as some protobuf message; a model has at least these.
        if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getOpsetImportCount() == 0) {
            throw new OnnxFormatException(onnx, "not an ONNX model, or a damaged one (no IR version, graph or opset)");
        }
        return model;
    }

    private static long[] dims(Path onnx, List<ValueInfoProto> values, String name) throws OnnxFormatException {
        for (ValueInfoProto v : values) {
            if (v.getName().equals(name)) {
                List<TensorShapeProto.Dimension> ds = v.getType().getTensorType().getShape().getDimList();
                long[] out = new long[ds.size()];
                for (int i = 0; i < out.length; i++) {
                    // The batch dimension is symbolic; -1 stands for it.
                    out[i] = ds.get(i).hasDimValue() ? ds.get(i).getDimValue() : -1;
                }
                return out;
            }
        }
        throw new OnnxFormatException(onnx, "the graph has no '" + name + "' tensor");
    }

    private static int toInt(Path onnx, long d, String what) throws OnnxFormatException {
        if (d < 1 || d > Integer.MAX_VALUE) {
            throw new OnnxFormatException(onnx, "'" + what + "' has a dimension " + d + " that is not a positive size");
        }
        return (int) d;
    }

    private static void checkScalar(Path onnx, Map<String, TensorProto> inits, String name, float expected)
            throws OnnxFormatException {
        TensorProto t = inits.get(name);
        if (t == null) {
            throw new OnnxFormatException(onnx, "initializer '" + name + "' is missing");
        }
        float[] v = new float[1];
        load(onnx, t, new int[0], v);
        if (Float.floatToIntBits(v[0]) != Float.floatToIntBits(expected)) {
            throw new OnnxFormatException(onnx, "initializer '" + name + "' is " + v[0]
                    + " but the stored spec's normalization gives " + expected);
        }
    }

    private static void load(Path onnx, TensorProto t, int[] shape, float[] into) throws OnnxFormatException {
        long[] want = Arrays.stream(shape).asLongStream().toArray();
        long[] have = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || !Arrays.equals(want, have)) {
            throw new OnnxFormatException(onnx, "initializer '" + t.getName() + "' should be float32 "
                    + Arrays.toString(want) + ", is data type " + t.getDataType() + " " + Arrays.toString(have));
        }
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != (long) into.length * Float.BYTES) {
                throw new OnnxFormatException(onnx, "initializer '" + t.getName() + "' holds " + raw.size()
                        + " bytes, expected " + (long) into.length * Float.BYTES);
            }
            FloatBuffer fb = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            fb.get(into);
        } else if (t.getFloatDataCount() == into.length) {
            for (int i = 0; i < into.length; i++) {
                into[i] = t.getFloatData(i);
            }
        } else {
            throw new OnnxFormatException(onnx, "initializer '" + t.getName() + "' has " + t.getFloatDataCount()
                    + " values, expected " + into.length + " (external data is not supported)");
        }
    }
}
