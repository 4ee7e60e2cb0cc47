package dev.kiln.train;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.kernels.VectorKernels;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTest {

    /** Kernels without packing buffers, so the other tests count the layers' workspace alone. */
    private static final Kernels SCALAR = new ScalarKernels();

    private static Network build(Parallel p, List<LayerSpec> layers) {
        return Network.build(new Compute(KernelProvider.get(), p), layers, new int[] {1, 28, 28}, 10, 0, 1, 1);
    }

    @Test
    void countsParametersOptimizerActivationsAndData() {
        try (Parallel p = new Parallel(1)) {
            Network net = build(p, List.of(LayerSpec.of("dense", "units", "100"), LayerSpec.of("relu"),
                    LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")));
            long params = 784 * 100 + 100 + 100 * 10 + 10;
            MemoryEstimate adam = MemoryEstimate.of(net, "adam", 50, 500, SCALAR, 1, 1000, 10);
            assertEquals(params * 2 * 4, adam.parameters());
            assertEquals(params * 2 * 4 * 2, adam.optimizer());
            assertEquals(params * 4 * 2, MemoryEstimate.of(net, "sgd", 50, 500, SCALAR, 1, 1000, 10).optimizer());
            // input buffer + logits gradient + per layer output (max batch) and input gradient (batch)
            long acts = 500L * 784 + 50 * 10 + (500L * 100 + 50 * 784) + (500L * 100 + 50 * 100)
                    + (500L * 10 + 50 * 100) + (500L * 10 + 50 * 10);
            assertEquals(acts * 4, adam.activations());
            assertEquals(1000 + 40, adam.dataset());
            assertEquals(0, adam.workspace());
            assertEquals((long) Math.ceil(adam.total() * MemoryEstimate.SAFETY_FACTOR), adam.required());
        }
    }

    @Test
    void convolutionsCountTheirScratchColumnsButNoBatchOfThem() {
        try (Parallel p = new Parallel(2)) {
            Network net = build(p, List.of(LayerSpec.of("conv2d", "filters", "8", "kernel", "3", "padding", "same"),
                    LayerSpec.of("relu"), LayerSpec.of("maxPool2d", "size", "2"), LayerSpec.of("flatten"),
                    LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")));
            MemoryEstimate e = MemoryEstimate.of(net, "adam", 64, 500, SCALAR, 2, 0, 0);
            long colSize = 9L * 28 * 28;
            // 8 chunks of the input gradient and 2 threads' unfolding scratch (the batch's columns
            // are packed from the input, never kept), and the pool's argmax indices for the
            // evaluation batch of 500
            long poolIndices = 500L * 8 * 14 * 14;
            // the weight gradient's partial sums: 64 samples in groups of 8, 8 filters × 9 offsets
            // each; and the bias gradient's sums, 8 filters for each of the 64 samples
            long partials = 8L * 8 * 9 + 64L * 8;
            assertEquals(((8 + 2) * colSize + poolIndices + partials) * 4, e.workspace(), "im2col scratch: " + e);
        }
    }

    @Test
    void aWideDenseLayerCountsItsPartialSums() {
        try (Parallel p = new Parallel(2)) {
            // 16 filters of 26×26 flattened: 10,816 inputs, a wide layer; the 64 → 10 one is not
            Network net = build(p, List.of(LayerSpec.of("conv2d", "filters", "16", "kernel", "3"), LayerSpec.of("flatten"),
                    LayerSpec.of("dense", "units", "64"), LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")));
            MemoryEstimate e = MemoryEstimate.of(net, "adam", 64, 500, SCALAR, 2, 0, 0);
            // the convolution's scratch as above, and four parts' partial sums of 64 outputs for
            // the evaluation batch of 500
            long conv = (8 + 2) * 9L * 26 * 26 + 8L * 16 * 9 + 64L * 16;
            assertEquals((conv + 4L * 500 * 64) * 4, e.workspace(), e.toString());
        }
    }

    /**
     * The vector kernels' GEMM keeps packing buffers per thread (about 3.5 MB each) and two
     * panels for the shared-B product: the estimate counts them, so they grow with the threads.
     */
    @Test
    void theGemmPackingBuffersCountPerThread() {
        try (Parallel p = new Parallel(1)) {
            Network net = build(p, List.of(LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")));
            Kernels vector = new VectorKernels();
            long one = MemoryEstimate.of(net, "adam", 50, 500, vector, 1, 0, 0).workspace();
            long four = MemoryEstimate.of(net, "adam", 50, 500, vector, 4, 0, 0).workspace();
            assertEquals(4 * vector.gemmBufferFloats(1) - 3 * vector.gemmBufferFloats(0), vector.gemmBufferFloats(4),
                    "a share per thread plus the shared panels");
            assertEquals(vector.gemmBufferFloats(1) * 4, one);
            assertEquals(vector.gemmBufferFloats(4) * 4, four);
            assertTrue(four - one > 3 * (3L << 20), "three more threads' buffers: " + (four - one) + " bytes");
            assertEquals(0, MemoryEstimate.of(net, "adam", 50, 500, SCALAR, 4, 0, 0).workspace());
        }
    }

    @Test
    void tooSmallAHeapFailsWithTheEstimateAndTheHeap() {
        MemoryEstimate e = new MemoryEstimate(100L << 20, 200L << 20, 50L << 20, 0, 47L << 20, 100L << 20,
                MemoryEstimate.FIXED_BYTES);
        InsufficientMemoryException x = assertThrows(InsufficientMemoryException.class, () -> e.check(256L << 20));
        assertTrue(x.getMessage().startsWith("Not enough memory: training needs about 521.0 MiB (651.3 MiB with a 1.25x "
                + "safety margin) but the heap is 256.0 MiB."), x.getMessage());
        assertTrue(x.getMessage().contains("optimizer 200.0 MiB"), x.getMessage());
        assertEquals(256L << 20, x.maxHeapBytes());
        assertEquals(e.total(), x.estimateBytes());
        e.check(e.required()); // exactly enough is enough
    }

    @Test
    void aRunFailsBeforeTrainingWhenTheHeapIsTooSmall(@TempDir Path out) {
        TrainingJobTest.generateInto(out.resolve("data"));
        List<String> log = new java.util.ArrayList<>();
        InsufficientMemoryException x = assertThrows(InsufficientMemoryException.class, () -> TrainingJob.run(
                TrainingJobTest.specOn(out.resolve("data"), 2, OptimizerSpec.adam()), out.resolve("dl"),
                out.resolve("cache"), log::add, TrainingJob.Options.DEFAULT.withMaxHeap(8L << 20)));
        assertTrue(x.getMessage().contains("the heap is 8.0 MiB"), x.getMessage());
        assertFalse(log.stream().anyMatch(l -> l.startsWith("Epoch ")), "nothing trained: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Memory: about ")), log.toString());
        assertFalse(Files.exists(out.resolve("dl/synth.ckpt")));
        assertFalse(Files.exists(out.resolve("dl/synth.onnx")));
    }
}
