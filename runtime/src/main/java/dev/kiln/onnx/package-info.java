/**
 * ONNX export of trained networks ({@link dev.kiln.onnx.OnnxExporter}) and read-back of the
 * files Kiln wrote ({@link dev.kiln.onnx.OnnxModelReader}). The protobuf messages in
 * {@code dev.kiln.onnx.proto} are generated at build time from {@code src/main/proto/onnx.proto}.
 */
package dev.kiln.onnx;
