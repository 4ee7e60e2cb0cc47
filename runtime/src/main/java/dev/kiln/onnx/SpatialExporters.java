package dev.kiln.onnx;

import dev.kiln.kernels.Window2d;
import dev.kiln.nn.AvgPool2d;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Parameter;
import dev.kiln.onnx.proto.Onnx.AttributeProto;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.onnx.GraphWriter.intAttr;
import static dev.kiln.onnx.GraphWriter.intsAttr;

/**
 * ONNX mapping of the image layers. Padding is always written as explicit {@code pads}
 * ({@code [top, left, bottom, right]}), never {@code auto_pad}, so every runtime pads exactly as
 * Kiln did, including the odd row of {@code same} padding at the end.
 */
final class SpatialExporters {

    private SpatialExporters() {
    }

    /** {@code Conv} with {@code W [F][C][kh][kw]} (Kiln's layout) and optional {@code B [F]}. */
    static void conv2d(Conv2d c, int[] shape, String in, String out, String prefix, GraphWriter g) {
        Window2d w = c.window();
        Parameter weight = c.weight();
        g.initializer(weight.name(), new long[] {c.filters(), w.channels(), w.kh(), w.kw()}, weight.value());
        List<String> inputs = new ArrayList<>(List.of(in, weight.name()));
        if (c.bias() != null) {
            g.initializer(c.bias().name(), new long[] {c.filters()}, c.bias().value());
            inputs.add(c.bias().name());
        }
        List<AttributeProto> attrs = new ArrayList<>(window(w));
        attrs.add(intsAttr("dilations", 1, 1));
        attrs.add(intAttr("group", 1));
        g.node(prefix, "Conv", inputs, out, attrs.toArray(AttributeProto[]::new));
    }

    static void maxPool2d(MaxPool2d p, int[] shape, String in, String out, String prefix, GraphWriter g) {
        g.node(prefix, "MaxPool", List.of(in), out, window(p.window()).toArray(AttributeProto[]::new));
    }

    /** {@code count_include_pad = 0}: padding shrinks the divisor, as in {@link AvgPool2d}. */
    static void avgPool2d(AvgPool2d p, int[] shape, String in, String out, String prefix, GraphWriter g) {
        List<AttributeProto> attrs = new ArrayList<>(window(p.window()));
        attrs.add(intAttr("count_include_pad", 0));
        g.node(prefix, "AveragePool", List.of(in), out, attrs.toArray(AttributeProto[]::new));
    }

    private static List<AttributeProto> window(Window2d w) {
        return List.of(intsAttr("kernel_shape", w.kh(), w.kw()),
                intsAttr("strides", w.sh(), w.sw()),
                intsAttr("pads", w.padTop(), w.padLeft(), w.padBottom(), w.padRight()));
    }
}
