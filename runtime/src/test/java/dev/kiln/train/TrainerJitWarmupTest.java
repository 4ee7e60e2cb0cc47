package dev.kiln.train;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.kiln.train.JitWarmup.WINDOW_NANOS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@link Trainer#leaveCoresToJit}: batches run inline while the JIT is busy, with the same bits. */
class TrainerJitWarmupTest {

    private static final List<LayerSpec> MLP = List.of(LayerSpec.of("dense", "units", "64"), LayerSpec.of("relu"),
            LayerSpec.of("dense", "units", "3"), LayerSpec.of("softmax"));

    private final AtomicLong compileMillis = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    /**
     * Trains one epoch of 4 batches, the JIT compiling 40 ms per 50 ms window during the first
     * {@code busyBatches}; returns whether each batch ran inline, and the trained weights into
     * {@code weights}.
     */
    private List<Boolean> train(boolean warmUp, int busyBatches, List<float[]> weights) {
        List<Boolean> inline = new ArrayList<>();
        try (Parallel parallel = new Parallel(2)) {
            Compute compute = new Compute(KernelProvider.get(), parallel);
            Network net = Network.build(compute, MLP, new int[] {1, 8, 8}, 3, 0.5, 0.25, 11);
            Optimizer opt = Optimizer.create(OptimizerSpec.adam(), net.parameters(), compute);
            Trainer trainer = new Trainer(net, opt, 4, 1);
            if (warmUp) {
                trainer.leaveCoresToJit(parallel, new JitWarmup(compileMillis::get, nanos::get));
            }
            trainer.trainEpoch(NoiseImages.of(16, 8), 1, (epoch, batch, batches, done, loss) -> {
                inline.add(parallel.runsInline());
                nanos.addAndGet(WINDOW_NANOS);
                compileMillis.addAndGet(batch <= busyBatches ? 60 : 0);
            });
            assertFalse(parallel.runsInline(), "the pool is left running in parallel after the epoch, busy JIT or not");
            for (Parameter p : net.parameters()) {
                weights.add(p.value().clone());
            }
        }
        return inline;
    }

    /** Each batch looks back at the window before it: busy during batches 1 and 2, quiet from batch 3 on. */
    @Test
    void batchesRunInlineUntilTheJitCalmsDown() {
        assertEquals(List.of(true, true, true, false), train(true, 2, new ArrayList<>()));
    }

    @Test
    void withoutTheWarmUpNoBatchRunsInline() {
        assertEquals(List.of(false, false, false, false), train(false, 2, new ArrayList<>()));
    }

    @Test
    void theWarmUpDoesNotChangeTheBits() {
        List<float[]> with = new ArrayList<>();
        List<float[]> without = new ArrayList<>();
        assertEquals(List.of(true, true, true, true), train(true, 4, with), "busy for the whole epoch");
        train(false, 0, without);
        for (int i = 0; i < with.size(); i++) {
            assertArrayEquals(without.get(i), with.get(i), "parameter " + i);
        }
    }
}
