package dev.kiln.maven;

import dev.kiln.train.SyntheticIdx;
import dev.kiln.onnx.proto.Onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX models written by hand, as another tool would: no Kiln metadata, logits out, and inputs
 * in the layouts Kiln never exports. Their weights average each class's 4x4 block of
 * {@link SyntheticIdx} data, so they classify it almost perfectly on raw pixels.
 */
final class HandBuiltModels {

    private HandBuiltModels() {
    }

    /** {@code [batch, 784] -> Gemm -> logits [batch, 10]}; {@code batch <= 0} makes it symbolic. */
    static Path flat(Path file, long batch) throws IOException {
        return write(file, new long[] {batch, 784}, false);
    }

    /** {@code [N, 28, 28, 1] -> Flatten -> Gemm -> logits [N, 10]}. */
    static Path nhwc(Path file) throws IOException {
        return write(file, new long[] {-1, 28, 28, 1}, true);
    }

    private static Path write(Path file, long[] inputDims, boolean flatten) throws IOException {
        int side = SyntheticIdx.SIDE;
        float[] w = new float[side * side * 10];
        for (int c = 0; c < 10; c++) {
            int r0 = 2 + (c / 5) * 12;
            int c0 = 2 + (c % 5) * 5;
            for (int y = r0; y < r0 + 4; y++) {
                for (int x = c0; x < c0 + 4; x++) {
                    w[(y * side + x) * 10 + c] = 1f / 16;
                }
            }
        }
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("handmade")
                .addInput(value("pixels", inputDims))
                .addOutput(value("logits", new long[] {inputDims[0], 10}))
                .addInitializer(tensor("W", new long[] {side * side, 10}, w))
                .addInitializer(tensor("b", new long[] {10}, new float[10]));
        String gemmIn = "pixels";
        if (flatten) {
            g.addNode(Onnx.NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("pixels")
                    .addOutput("flat").addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(1)
                            .setType(Onnx.AttributeProto.AttributeType.INT)));
            gemmIn = "flat";
        }
        g.addNode(Onnx.NodeProto.newBuilder().setOpType("Gemm").setName("gemm").addInput(gemmIn).addInput("W")
                .addInput("b").addOutput("logits"));
        Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("by-hand")
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    private static Onnx.ValueInfoProto value(String name, long[] dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d > 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static Onnx.TensorProto tensor(String name, long[] dims, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
