package dev.kiln.nn;

import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.LayerTypes;

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
}
