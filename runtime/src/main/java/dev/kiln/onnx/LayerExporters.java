package dev.kiln.onnx;

import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.GlobalAvgPool;
import dev.kiln.nn.Layer;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.Relu;
import dev.kiln.nn.Softmax;

import java.util.List;
import java.util.Map;

import static dev.kiln.onnx.GraphWriter.floatAttr;
import static dev.kiln.onnx.GraphWriter.intAttr;

/** The ONNX mapping of every layer class. */
final class LayerExporters {

    private static final Map<Class<? extends Layer>, LayerExporter<?>> BY_CLASS = Map.of(
            Dense.class, (LayerExporter<Dense>) LayerExporters::dense,
            Relu.class, (LayerExporter<Relu>) (l, shape, in, out, prefix, g) -> g.node(prefix, "Relu", List.of(in), out),
            // From opset 13 Softmax normalizes along this one axis: the features of each sample.
            Softmax.class, (LayerExporter<Softmax>) LayerExporters::softmax,
            Conv2d.class, (LayerExporter<Conv2d>) SpatialExporters::conv2d,
            MaxPool2d.class, (LayerExporter<MaxPool2d>) SpatialExporters::maxPool2d,
            AvgPool2d.class, (LayerExporter<AvgPool2d>) SpatialExporters::avgPool2d,
            GlobalAvgPool.class, (LayerExporter<GlobalAvgPool>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "GlobalAveragePool", List.of(in), out),
            Flatten.class, (LayerExporter<Flatten>) (l, shape, in, out, prefix, g) ->
                    g.node(prefix, "Flatten", List.of(in), out, intAttr("axis", 1)));

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
    private static void dense(Dense d, int[] shape, String in, String out, String prefix, GraphWriter g) {
        String x = in;
        if (shape.length > 1) {
            x = prefix + "_flat";
            g.node(prefix + "_flatten", "Flatten", List.of(in), x, intAttr("axis", 1));
        }
        Parameter w = d.weight();
        Parameter b = d.bias();
        g.initializer(w.name(), new long[] {d.inputs(), d.outputs()}, w.value());
        g.initializer(b.name(), new long[] {d.outputs()}, b.value());
        g.node(prefix, "Gemm", List.of(x, w.name(), b.name()), out,
                floatAttr("alpha", 1f), floatAttr("beta", 1f), intAttr("transA", 0), intAttr("transB", 0));
    }
}
