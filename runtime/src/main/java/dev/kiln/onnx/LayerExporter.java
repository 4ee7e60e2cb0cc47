package dev.kiln.onnx;

import dev.kiln.nn.Layer;

/**
 * Writes one kind of layer as standard ONNX operators. {@link LayerExporters} holds one per
 * layer class; adding a layer type means adding an exporter there.
 *
 * @param <L> the layer class
 */
@FunctionalInterface
public interface LayerExporter<L extends Layer> {

    /**
     * @param layer      the layer, with its trained parameters
     * @param inputShape per-sample shape of the layer's input (without the batch dimension)
     * @param input      name of the graph value the layer reads
     * @param output     name of the graph value the layer must produce
     * @param prefix     unique prefix for node and initializer names of this layer
     */
    void write(L layer, int[] inputShape, String input, String output, String prefix, GraphWriter g);
}
