package dev.kiln.train;

import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.Window2d;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Conv2d;
import dev.kiln.nn.Dense;
import dev.kiln.nn.DropConnect;
import dev.kiln.nn.Layer;
import dev.kiln.nn.MaxPool2d;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;

import java.util.Locale;

/**
 * The heap a training run needs, estimated from the built network before the big buffers exist,
 * so a heap that is too small fails in a second with a clear message instead of an
 * {@link OutOfMemoryError} after minutes of training.
 *
 * <p>It counts what grows with the model and data: parameters with their gradients, the
 * optimizer's buffers (and the copy a checkpoint takes), every layer's activation and input
 * gradient buffers at the larger of the training and evaluation batch (buffers only grow),
 * convolution workspaces (per-thread and per-chunk im2col scratch), the dataset's bytes,
 * and the serialized model at export; plus a fixed allowance for the JVM and the rest of Kiln.
 * The check adds {@link #SAFETY_FACTOR} on top for garbage-collector headroom.
 *
 * @param parameters  parameter and state values and their gradients
 * @param optimizer   optimizer buffers and the copy a checkpoint exports
 * @param activations layer outputs and input gradients, the network's input buffer, the logits' gradient
 * @param workspace   convolution columns and scratch, pooling indices, dropConnect masks, the
 *                    GEMM's packing buffers
 * @param dataset     training and test images and labels, and the predictions of the report
 * @param export      the ONNX model in memory while it is written
 * @param fixed       the JVM's and Kiln's own baseline
 */
public record MemoryEstimate(long parameters, long optimizer, long activations, long workspace, long dataset,
                             long export, long fixed) {

    /** Multiplier on the estimate for garbage-collector headroom and fragmentation. */
    public static final double SAFETY_FACTOR = 1.25;

    /** Heap used before any of the counted data exists: JDK and Kiln objects, protobuf, the report's strings. */
    public static final long FIXED_BYTES = 24L << 20;

    /** System property that turns the check off ({@code -Dkiln.memoryCheck=false}) when the estimate is wrong. */
    public static final String DISABLE_PROPERTY = "kiln.memoryCheck";

    /**
     * Estimates a run of {@code net}.
     *
     * @param optimizer    {@code adam} or {@code sgd}
     * @param batch        the training batch size
     * @param evalBatch    the evaluation batch size
     * @param kernels      the kernels the run uses (their GEMM packing buffers)
     * @param threads      compute threads (convolution scratch is per chunk of work, packing
     *                     buffers per thread)
     * @param datasetBytes the dataset's images and labels in memory
     * @param testImages   test images (the report keeps a prediction for each)
     */
    public static MemoryEstimate of(Network net, String optimizer, int batch, int evalBatch, Kernels kernels,
                                    int threads, long datasetBytes, long testImages) {
        long params = 0;
        for (Parameter p : net.parameters()) {
            params += p.size();
        }
        long state = 0;
        for (Parameter p : net.state()) {
            state += p.size();
        }
        long maxBatch = Math.max(batch, evalBatch);
        long floatsPerParam = "sgd".equals(optimizer) ? 1 : 2;
        long activations = maxBatch * net.inputSize() + (long) batch * net.classes();
        long workspace = kernels.gemmBufferFloats(threads);
        int in = net.inputSize();
        for (Layer l : net.layers()) {
            long out = Layer.size(l.outputShape());
            activations += maxBatch * out + (long) batch * in;
            if (l instanceof Conv2d c) {
                Window2d g = c.window();
                long colSize = (long) g.colRows() * g.outPlane();
                // one column buffer per chunk of the input gradient (forRange makes ~4 per
                // thread) and one per thread for products the kernels unfold before multiplying;
                // the forward pass and the weight gradient pack straight from the input
                long chunks = Math.min(maxBatch, 4L * threads);
                workspace += (chunks + threads) * colSize;
                // the weight gradient's partial sums, one per group of samples
                workspace += Compute.gemmSumUnfoldedScratch(batch, c.filters(), g.colRows());
            } else if (l instanceof MaxPool2d) {
                workspace += maxBatch * out; // argmax indices, ints
            } else if (l instanceof DropConnect d) {
                workspace += d.weight().size(); // the masked weights
            }
            if (l instanceof Dense d) {
                workspace += d.forwardScratchFloats(maxBatch);
            }
            in = (int) out;
        }
        return new MemoryEstimate(
                (params + state) * 2 * Float.BYTES,
                // the state itself, plus the copy exportState() hands the checkpoint writer
                params * floatsPerParam * Float.BYTES * 2,
                activations * Float.BYTES,
                workspace * Float.BYTES,
                datasetBytes + testImages * Integer.BYTES,
                // the protobuf message and its serialized bytes
                (params + state) * Float.BYTES * 2,
                FIXED_BYTES);
    }

    /** The estimated need in bytes, without the safety factor. */
    public long total() {
        return parameters + optimizer + activations + workspace + dataset + export + fixed;
    }

    /** The smallest heap {@link #check} accepts: the total times {@link #SAFETY_FACTOR}. */
    public long required() {
        return (long) Math.ceil(total() * SAFETY_FACTOR);
    }

    /**
     * Throws when {@code maxHeap} bytes (normally {@link Runtime#maxMemory()}) are below
     * {@link #required()}.
     *
     * @throws InsufficientMemoryException with the estimate, its parts and the heap
     */
    public void check(long maxHeap) {
        if (maxHeap < required()) {
            throw new InsufficientMemoryException(total(), required(), maxHeap, String.format(Locale.ROOT,
                    "Not enough memory: training needs about %s (%s with a %.2fx safety margin) but the heap is %s. "
                            + "Estimate: %s. Give the trainer a larger heap or lower the batch size.",
                    mib(total()), mib(required()), SAFETY_FACTOR, mib(maxHeap), this.parts()));
        }
    }

    /** One line for the log: the total and what it is made of. */
    public String parts() {
        return String.format(Locale.ROOT,
                "parameters %s, optimizer %s, activations %s, workspace %s, dataset %s, export %s, baseline %s",
                mib(parameters), mib(optimizer), mib(activations), mib(workspace), mib(dataset), mib(export), mib(fixed));
    }

    /** Bytes as MiB with one decimal, e.g. {@code 12.5 MiB}. */
    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
