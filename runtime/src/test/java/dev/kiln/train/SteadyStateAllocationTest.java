package dev.kiln.train;

import dev.kiln.data.ImageSet;
import dev.kiln.kernels.ScalarKernels;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady-state training allocates (next to) nothing: every buffer is sized once per shape, and
 * the per-batch path builds no lambdas, no {@link Parallel} jobs, no iterators and no arrays.
 * Measured as the bytes all threads of the JVM (the pool's worker included) allocate over whole
 * epochs, after warm-up epochs have sized the buffers.
 *
 * <p>Not a timing test, and independent of the JIT: the scalar kernels allocate nothing
 * themselves, and without a {@code new} on the path, interpreted code allocates nothing either;
 * objects that escape into the worker pool (a capturing lambda handed to {@link Parallel#forRange})
 * are allocated at every tier, so the test fails the same way before and after C2 compiles the
 * loop. (The vector kernels' {@code FloatVector}s are boxed until C2 compiles them, which is why
 * they are not used here.) Two threads, so the worker pool is really used. The bound leaves room
 * for the few hundred bytes the readings allocate and for other threads of the test JVM; each
 * case takes the smallest of three measured rounds.
 */
class SteadyStateAllocationTest {

    private static final int BATCH = 16;
    private static final int BATCHES_PER_EPOCH = 10;
    private static final int WARMUP_EPOCHS = 3;
    private static final int MEASURED_EPOCHS = 10;

    /** Bytes per batch at most: 100 batches per round, so about 3 KB per round for noise. */
    private static final double MLP_BOUND = 32;

    /** The same bound for the CNN: convolution and pooling allocate nothing per batch either. */
    private static final double CNN_BOUND = MLP_BOUND;

    @Test
    void mlpTrainingAllocatesNothingPerBatch() {
        double perBatch = bytesPerBatch(List.of(
                LayerSpec.of("dense", "units", "32"), LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "32"), LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")), 8);
        assertTrue(perBatch <= MLP_BOUND, "MLP training allocated " + perBatch + " bytes per batch, bound " + MLP_BOUND);
    }

    @Test
    void cnnTrainingAllocatesNothingPerBatch() {
        double perBatch = bytesPerBatch(List.of(
                LayerSpec.of("conv2d", "filters", "4", "kernel", "3"), LayerSpec.of("relu"),
                LayerSpec.of("conv2d", "filters", "8", "kernel", "3"), LayerSpec.of("relu"),
                LayerSpec.of("maxPool2d", "size", "2"), LayerSpec.of("dropout", "rate", "0.25"),
                LayerSpec.of("flatten"),
                LayerSpec.of("dense", "units", "16"), LayerSpec.of("relu"), LayerSpec.of("dropout", "rate", "0.5"),
                LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")), 10);
        assertTrue(perBatch <= CNN_BOUND, "CNN training allocated " + perBatch + " bytes per batch, bound " + CNN_BOUND);
    }

    /** Smallest bytes per batch of three rounds of {@link #MEASURED_EPOCHS} epochs each. */
    private static double bytesPerBatch(List<LayerSpec> layers, int side) {
        int count = BATCH * BATCHES_PER_EPOCH;
        byte[] pixels = new byte[count * side * side];
        Random rnd = new Random(5);
        rnd.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) rnd.nextInt(10);
        }
        ImageSet train = new ImageSet("generated", count, side, side, pixels, labels);
        try (Parallel parallel = new Parallel(2)) {
            Compute compute = new Compute(new ScalarKernels(), parallel);
            Network net = Network.build(compute, layers, new int[] {1, side, side}, 10, 0.5, 0.25, 3);
            Optimizer optimizer = Optimizer.create(OptimizerSpec.adam(), net.parameters(), compute);
            Trainer trainer = new Trainer(net, optimizer, BATCH, 7);
            int epoch = 1;
            for (; epoch <= WARMUP_EPOCHS; epoch++) {
                trainer.trainEpoch(train, epoch);
            }
            double best = Double.POSITIVE_INFINITY;
            for (int round = 0; round < 3; round++) {
                long before = AllocatedBytes.total();
                for (int e = 0; e < MEASURED_EPOCHS; e++, epoch++) {
                    trainer.trainEpoch(train, epoch);
                }
                long bytes = AllocatedBytes.total() - before;
                best = Math.min(best, (double) bytes / (MEASURED_EPOCHS * BATCHES_PER_EPOCH));
            }
            return best;
        }
    }
}
