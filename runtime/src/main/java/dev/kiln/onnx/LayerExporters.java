package dev.kiln.onnx;

import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.BatchNorm;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Dense;
import dev.kiln.nn.DropConnect;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.GlobalAvgPool;
import dev.kiln.nn.Layer;
import dev.kiln.nn.LeakyRelu;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.Relu;
import dev.kiln.nn.Sigmoid;
import dev.kiln.nn.Softmax;
import dev.kiln.nn.Tanh;

import java.util.List;
import java.util.Map;

import static dev.kiln.onnx.GraphWriter.floatAttr;
import static dev.kiln.onnx.GraphWriter.intAttr;

/** The ONNX mapping of every layer class. */
final class LayerExporters {

    private static final Map<Class<? extends Layer>, LayerExporter<?>> BY_CLASS = Map.ofEntries(
            Map.entry(Dense.class, (LayerExporter<Dense>) (d, shape, in, out, prefix, g) ->
                    gemm(d.weight(), d.bias(), d.inputs(), d.outputs(), shape, in, out, prefix, g)),
            Map.entry(Relu.class, (LayerExporter<Relu>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Relu", List.of(in), out)),
            // From opset 13 Softmax normalizes along this one axis: the features of each sample.
            Map.entry(Softmax.class, (LayerExporter<Softmax>) LayerExporters::softmax),
            Map.entry(LeakyRelu.class, (LayerExporter<LeakyRelu>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "LeakyRelu", List.of(in), out, floatAttr("alpha", l.alpha()))),
            Map.entry(Tanh.class, (LayerExporter<Tanh>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Tanh", List.of(in), out)),
            Map.entry(Sigmoid.class, (LayerExporter<Sigmoid>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Sigmoid", List.of(in), out)),
            // Inverted dropout is the identity at inference.
            Map.entry(Dropout.class, (LayerExporter<Dropout>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Identity", List.of(in), out)),
            // At inference DropConnect is a plain dense layer.
            Map.entry(DropConnect.class, (LayerExporter<DropConnect>) (d, shape, in, out, prefix, g) ->
                    gemm(d.weight(), d.bias(), d.inputs(), d.outputs(), shape, in, out, prefix, g)),
            Map.entry(BatchNorm.class, (LayerExporter<BatchNorm>) LayerExporters::batchNorm),
            Map.entry(Conv2d.class, (LayerExporter<Conv2d>) SpatialExporters::conv2d),
            Map.entry(MaxPool2d.class, (LayerExporter<MaxPool2d>) SpatialExporters::maxPool2d),
            Map.entry(AvgPool2d.class, (LayerExporter<AvgPool2d>) SpatialExporters::avgPool2d),
            Map.entry(GlobalAvgPool.class, (LayerExporter<GlobalAvgPool>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "GlobalAveragePool", List.of(in), out)),
            Map.entry(Flatten.class, (LayerExporter<Flatten>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Flatten", List.of(in), out, intAttr("axis", 1))));

    private LayerExporters() {
    }

    /** Writes {@code layer}; an unmapped layer class is named in the exception. */
    @SuppressWarnings("unchecked")
    static void write(Layer layer, int index, int[] inputShape, String input, String output, String prefix, GraphWriter g) {
        LayerExporter<Layer> e = (LayerExporter<Layer>) BY_CLASS.get(layer.getClass());
        if (e == null) {
            throw new IllegalArgumentException("layer " + index + " (" + layer.getClass().getName() + ", type '"
                    + layer.type() + "') has no ONNX mapping; mapped: "
                    + BY_CLASS.keySet().stream().map(Class::getSimpleName).sorted().toList());
        }
        e.write(layer, inputShape, input, output, prefix, g);
    }

    /**
     * Kiln's softmax spans all features of a sample; on an image-shaped input (say after
     * {@code globalAvgPool}) ONNX's axis 1 would be the channels only, so flatten first.
     */
    private static void softmax(Softmax s, int[] shape, String in, String out, String prefix, GraphWriter g) {
        String x = in;
        if (shape.length > 1) {
            x = prefix + "_flat";
            g.node(prefix + "_flatten", "Flatten", List.of(in), x, intAttr("axis", 1));
        }
        g.node(prefix, "Softmax", List.of(x), out, intAttr("axis", 1));
    }

    /** {@code Gemm} with W stored {@code [in][out]}: Gemm's B without transposition. Gemm wants 2-D input. */
    private static void gemm(Parameter w, Parameter b, int inputs, int outputs, int[] shape, String in, String out,
                             String prefix, GraphWriter g) {
        String x = in;
        if (shape.length > 1) {
            x = prefix + "_flat";
            g.node(prefix + "_flatten", "Flatten", List.of(in), x, intAttr("axis", 1));
        }
        g.initializer(w.name(), new long[] {inputs, outputs}, w.value());
        g.initializer(b.name(), new long[] {outputs}, b.value());
        g.node(prefix, "Gemm", List.of(x, w.name(), b.name()), out,
                floatAttr("alpha", 1f), floatAttr("beta", 1f), intAttr("transA", 0), intAttr("transB", 0));
    }

    /**
     * {@code BatchNormalization} in inference mode with the running statistics. ONNX takes dimension
     * 1 as the channels, which is the feature axis of a flat {@code [N, n]} input and C of
     * {@code [N, C, H, W]}. ONNX's momentum weighs the old running value, the opposite of Kiln's.
     */
    private static void batchNorm(BatchNorm l, int[] shape, String in, String out, String prefix, GraphWriter g) {
        long[] dims = {l.channels()};
        for (Parameter p : List.of(l.gamma(), l.beta(), l.runningMean(), l.runningVar())) {
            g.initializer(p.name(), dims, p.value());
        }
        g.node(prefix, "BatchNormalization",
                List.of(in, l.gamma().name(), l.beta().name(), l.runningMean().name(), l.runningVar().name()), out,
                floatAttr("epsilon", l.epsilon()), floatAttr("momentum", 1f - l.momentum()));
    }
}
