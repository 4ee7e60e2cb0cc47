package dev.kiln.nn;

import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.SpecException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A feed-forward stack of layers over images given as raw pixels. The input normalization
 * ({@code x·scale + shift}, from {@code (pixel/255 - mean)/std}) belongs to the network so the
 * exported model can take raw pixels too.
 */
public final class Network {

    private static final IntConsumer NO_CALLBACK = i -> { };

    private final Compute compute;
    private final int[] inputShape;
    private final float scale;
    private final float shift;
    private final List<Layer> layers;
    private final int classes;
    private final int inputSize;
    private float[] input = new float[0];
    /** {@link #loadInput}'s arguments, for {@link #loadRows} (a body built once, not per batch). */
    private byte[] loadPixels;
    private int[] loadOrder;
    private int loadStart;
    private final Parallel.RangeBody loadBody = this::loadRows;

    private Network(Compute compute, int[] inputShape, float scale, float shift, List<Layer> layers) {
        this.compute = compute;
        this.inputShape = inputShape.clone();
        this.scale = scale;
        this.shift = shift;
        this.layers = List.copyOf(layers);
        fuseNeighbours(this.layers);
        this.classes = Layer.size(layers.get(layers.size() - 1).outputShape());
        this.inputSize = Layer.size(inputShape);
    }

    /**
     * Builds the layers in order, checking that the network ends in a softmax over
     * {@code classes} outputs.
     *
     * @param inputShape per-sample shape, e.g. {@code {1, 28, 28}}
     * @param mean       normalization mean (on the 0–1 scale)
     * @param std        normalization standard deviation (on the 0–1 scale)
     */
    public static Network build(Compute compute, List<LayerSpec> specs, int[] inputShape, int classes,
                                double mean, double std, long seed) {
        List<Layer> layers = new ArrayList<>();
        int[] shape = inputShape.clone();
        for (int i = 0; i < specs.size(); i++) {
            Layer l = LayerFactory.create(compute, specs.get(i), i, shape, layers.stream()
                    .noneMatch(x -> !x.parameters().isEmpty()), seed);
            layers.add(l);
            shape = l.outputShape();
        }
        if (!(layers.get(layers.size() - 1) instanceof Softmax)) {
            // TrainingSpec.validate() says the same; a network built without a spec gets it here
            throw new SpecException("layers[" + (specs.size() - 1) + "].type",
                    "the last layer must be softmax (class probabilities), got " + specs.get(specs.size() - 1).type());
        }
        if (Layer.size(shape) != classes) {
            throw new SpecException("layers", "the network ends with " + Layer.size(shape)
                    + " outputs but the dataset has " + classes + " classes; make the last dense layer's units "
                    + classes);
        }
        float scale = (float) (1.0 / (255.0 * std));
        float shift = (float) (-mean / std);
        return new Network(compute, inputShape, scale, shift, layers);
    }

    /**
     * Passes over the batch saved, with the same bits: a ReLU after a convolution or a dense
     * layer is applied by that layer while its output is in cache; a max pool or a convolution
     * after a ReLU does the ReLU's backward pass in its own, and a max pool applies the mask of a
     * dropout after it to the gradient. The ReLU then passes values or gradients through, and the
     * dropout gradients. The layers' switches for this are package-private, so only a network
     * flips them, and only for a ReLU or a dropout that is really there.
     */
    private static void fuseNeighbours(List<Layer> layers) {
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (layers.get(i + 1) instanceof Relu relu && takeReluForward(layers.get(i))) {
                relu.appliedByPrevious();
            }
            if (layers.get(i) instanceof Relu relu && takeReluBackward(layers.get(i + 1))) {
                relu.derivedByNext();
            }
            if (layers.get(i) instanceof MaxPool2d pool && layers.get(i + 1) instanceof Dropout dropout) {
                pool.takeDropoutBackward(dropout);
            }
        }
    }

    /** Has {@code layer} apply the ReLU after it, if it can (a convolution or a dense layer). */
    private static boolean takeReluForward(Layer layer) {
        if (layer instanceof Conv2d conv) {
            conv.takeReluForward();
            return true;
        }
        if (layer instanceof Dense dense) {
            dense.takeReluForward();
            return true;
        }
        return false;
    }

    /** Has {@code layer} do the backward pass of the ReLU before it, if it can (a max pool or a convolution). */
    private static boolean takeReluBackward(Layer layer) {
        if (layer instanceof MaxPool2d pool) {
            pool.takeReluBackward();
            return true;
        }
        if (layer instanceof Conv2d conv) {
            conv.takeReluBackward();
            return true;
        }
        return false;
    }

    public List<Layer> layers() {
        return layers;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    public int inputSize() {
        return inputSize;
    }

    public int classes() {
        return classes;
    }

    /** Multiplier applied to raw pixels (0–255) before the first layer. */
    public float inputScale() {
        return scale;
    }

    /** Offset added after {@link #inputScale()}. */
    public float inputShift() {
        return shift;
    }

    /** All trainable parameters, in layer order. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.parameters());
        }
        return ps;
    }

    /** All non-trainable state (e.g. batch norm running statistics), in layer order. */
    public List<Parameter> state() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.state());
        }
        return ps;
    }

    /** Passes the training step to every layer ({@link Layer#setStep}); call before each training batch. */
    public void setStep(long step) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setStep(step);
        }
    }

    /**
     * Normalizes {@code count} images starting at image {@code order[start]} (or sequentially when
     * {@code order} is null) into the network's input buffer.
     */
    public float[] loadInput(byte[] pixels, int[] order, int start, int count) {
        int n = inputSize;
        if (input.length < count * n) {
            input = new float[count * n];
        }
        loadPixels = pixels;
        loadOrder = order;
        loadStart = start;
        try {
            compute.parallel().forRange(count, 8, loadBody);
        } finally {
            // the dataset is not the network's to keep alive
            loadPixels = null;
            loadOrder = null;
        }
        return input;
    }

    private void loadRows(int from, int to) {
        int n = inputSize;
        for (int r = from; r < to; r++) {
            int img = loadOrder == null ? loadStart + r : loadOrder[loadStart + r];
            compute.kernels().normalize(loadPixels, img * n, input, r * n, n, scale, shift);
        }
    }

    /** Forward through every layer but the final softmax: the logits. */
    public float[] logits(float[] x, int batch, boolean training) {
        float[] a = x;
        for (int i = 0; i < layers.size() - 1; i++) {
            a = layers.get(i).forward(a, batch, training);
        }
        return a;
    }

    /** Class probabilities for {@code batch} normalized inputs. */
    public float[] predict(float[] x, int batch) {
        return layers.get(layers.size() - 1).forward(logits(x, batch, false), batch, false);
    }

    /** Backward from the gradient of the logits down to the first layer. */
    public void backwardFromLogits(float[] gradLogits, int batch) {
        backwardFromLogits(gradLogits, batch, NO_CALLBACK);
    }

    /**
     * As {@link #backwardFromLogits(float[], int)}, calling {@code layerDone} with each layer's
     * index, top down, as soon as that layer's gradients are final (its backward pass is done,
     * and no later pass reads its parameters), so a trainer can update it while its weights and
     * gradients are still in cache. Every layer is reported once: the final softmax (whose
     * backward pass the loss computes) first, and the layers below the last one that needs an
     * input gradient, which have no backward pass, last.
     */
    public void backwardFromLogits(float[] gradLogits, int batch, IntConsumer layerDone) {
        float[] g = gradLogits;
        int i = layers.size() - 2;
        layerDone.accept(i + 1);
        for (; i >= 0 && g != null; i--) {
            g = layers.get(i).backward(g, batch);
            layerDone.accept(i);
        }
        for (; i >= 0; i--) {
            layerDone.accept(i);
        }
    }
}
