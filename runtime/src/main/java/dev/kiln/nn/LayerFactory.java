package dev.kiln.nn;

import dev.kiln.kernels.Window2d;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.LayerTypes;
import dev.kiln.spec.SpecException;
import dev.kiln.spec.WindowSpec;

import java.util.Arrays;

/**
 * Turns a {@link LayerSpec} into a layer. The spec is checked by {@link LayerTypes} first, so
 * errors name the POM element ({@code layers[i].param}) and what is allowed.
 */
public final class LayerFactory {

    private LayerFactory() {
    }

    /**
     * @param index      position in the layer list, for error messages and parameter names
     * @param inputShape per-sample input shape
     * @param first      whether this is the first layer (no input gradient needed)
     */
    public static Layer create(Compute compute, LayerSpec spec, int index, int[] inputShape,
                               boolean first, long seed) {
        LayerTypes.check(spec, index);
        return switch (spec.type()) {
            case "dense" -> dense(compute, spec, index, inputShape, first, seed);
            case "relu" -> new Relu(compute, inputShape);
            case "softmax" -> new Softmax(compute, inputShape);
            case "leakyRelu" -> new LeakyRelu(compute, inputShape, (float) LayerTypes.alpha(spec, index));
            case "tanh" -> new Tanh(compute, inputShape);
            case "sigmoid" -> new Sigmoid(compute, inputShape);
            case "dropout" -> new Dropout(compute, inputShape, LayerTypes.rate(spec, index), seed, index);
            case "dropConnect" -> dropConnect(compute, spec, index, inputShape, first, seed);
            case "batchNorm" -> new BatchNorm(compute, "layer" + index + "_batchNorm", inputShape,
                    (float) LayerTypes.momentum(spec, index), (float) LayerTypes.epsilon(spec, index), !first);
            case "conv2d" -> conv2d(compute, spec, index, inputShape, first, seed);
            case "maxPool2d" -> new MaxPool2d(compute, window(spec, index, inputShape));
            case "avgPool2d" -> new AvgPool2d(compute, window(spec, index, inputShape));
            case "globalAvgPool" -> new GlobalAvgPool(compute, image(spec, index, inputShape));
            case "flatten" -> new Flatten(inputShape);
            default -> throw new IllegalStateException("LayerTypes accepts a type LayerFactory lacks: " + spec.type());
        };
    }

    private static Dense dense(Compute compute, LayerSpec spec, int index, int[] inputShape, boolean first, long seed) {
        int units = LayerTypes.positiveInt(spec, "units", index);
        String init = spec.params().getOrDefault("init", "he");
        int in = Layer.size(inputShape);
        Dense d = new Dense(compute, "layer" + index + "_dense", in, units, !first);
        Initializer.fill(d.weight().value(), init, in, units, seed, index);
        return d;
    }

    private static DropConnect dropConnect(Compute compute, LayerSpec spec, int index, int[] inputShape,
                                           boolean first, long seed) {
        int units = LayerTypes.positiveInt(spec, "units", index);
        String init = spec.params().getOrDefault("init", "he");
        int in = Layer.size(inputShape);
        DropConnect d = new DropConnect(compute, "layer" + index + "_dropConnect", in, units, !first,
                LayerTypes.rate(spec, index), seed, index);
        Initializer.fill(d.weight().value(), init, in, units, seed, index);
        return d;
    }

    private static Conv2d conv2d(Compute compute, LayerSpec spec, int index, int[] inputShape, boolean first, long seed) {
        int filters = LayerTypes.positiveInt(spec, "filters", index);
        boolean bias = Boolean.parseBoolean(spec.params().getOrDefault("bias", "true").trim());
        String init = spec.params().getOrDefault("init", "he");
        Window2d w = window(spec, index, inputShape);
        Conv2d c = new Conv2d(compute, "layer" + index + "_conv2d", w, filters, bias, !first);
        Initializer.fill(c.weight().value(), init, w.colRows(), filters * w.kh() * w.kw(), seed, index);
        return c;
    }

    /** The window of a conv or pooling layer over its input, checked against the input's size. */
    private static Window2d window(LayerSpec spec, int index, int[] inputShape) {
        int[] s = image(spec, index, inputShape);
        WindowSpec ws = WindowSpec.parse(spec, index);
        int[] pads = ws.pads(s[1], s[2]);
        int ph = s[1] + pads[0] + pads[2];
        int pw = s[2] + pads[1] + pads[3];
        if (ws.kh() > ph || ws.kw() > pw) {
            throw new SpecException("layers[" + index + "]." + ws.sizeKey(), "the " + ws.kh() + "x" + ws.kw()
                    + " window of " + spec.type() + " is larger than its input " + Arrays.toString(inputShape)
                    + (ph != s[1] || pw != s[2] ? " padded to " + ph + "x" + pw : "")
                    + "; use a smaller window, padding, or fewer pooling/convolution layers before it");
        }
        return new Window2d(s[0], s[1], s[2], ws.kh(), ws.kw(), ws.sh(), ws.sw(), pads[0], pads[1], pads[2], pads[3]);
    }

    /** The input shape, which must be an image {@code {C, H, W}}. */
    private static int[] image(LayerSpec spec, int index, int[] inputShape) {
        if (inputShape.length != 3) {
            throw new SpecException("layers[" + index + "].type", spec.type() + " needs an image input {C,H,W}, but its input is "
                    + Arrays.toString(inputShape) + " (after a dense or flatten layer); put it before them");
        }
        return inputShape;
    }
}
