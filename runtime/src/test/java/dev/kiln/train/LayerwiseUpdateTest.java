package dev.kiln.train;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.OptimizerState;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer updates each layer's parameters as soon as its backward pass is done, and a step
 * split that way gives the bits of one whole step.
 */
class LayerwiseUpdateTest {

    private final Parallel parallel = new Parallel(2);
    private final Compute compute = new Compute(KernelProvider.get(), parallel);

    @AfterEach
    void close() {
        parallel.close();
    }

    private static final List<LayerSpec> MLP = List.of(LayerSpec.of("dense", "units", "7"), LayerSpec.of("relu"),
            LayerSpec.of("dense", "units", "5"), LayerSpec.of("relu"), LayerSpec.of("dense", "units", "3"),
            LayerSpec.of("softmax"));

    private Network mlp() {
        return Network.build(compute, MLP, new int[] {1, 3, 3}, 3, 0.5, 0.25, 11);
    }

    private static List<Parameter> randomParameters(long seed) {
        Random r = new Random(seed);
        List<Parameter> ps = new ArrayList<>();
        for (int size : new int[] {37, 5, 130}) {
            Parameter p = Parameter.of("p" + size, size);
            for (int i = 0; i < size; i++) {
                p.value()[i] = (float) r.nextGaussian();
                p.grad()[i] = (float) r.nextGaussian();
            }
            ps.add(p);
        }
        return ps;
    }

    @Test
    void aStepSplitIntoPartsHasTheBitsOfAWholeStep() {
        for (OptimizerSpec spec : List.of(OptimizerSpec.sgd(), OptimizerSpec.adam())) {
            List<Parameter> whole = randomParameters(3);
            List<Parameter> parts = randomParameters(3);
            Optimizer a = Optimizer.create(spec, whole, compute);
            Optimizer b = Optimizer.create(spec, parts, compute);
            for (int step = 0; step < 3; step++) {
                a.step();
                b.beginStep();
                b.update(2, 3);
                b.update(0, 2);
                for (int i = 0; i < whole.size(); i++) {
                    assertArrayEquals(whole.get(i).value(), parts.get(i).value(), spec.name() + " step " + step + " p" + i);
                }
            }
            assertEquals(3, b.parameterCount());
        }
    }

    @Test
    void backwardReportsEveryLayerOnceTopDown() {
        Network net = mlp();
        float[] x = new float[2 * 9];
        float[] logits = net.logits(x, 2, true);
        List<Integer> done = new ArrayList<>();
        net.backwardFromLogits(new float[logits.length], 2, done::add);
        assertEquals(List.of(5, 4, 3, 2, 1, 0), done);
    }

    @Test
    void trainerUpdatesEachLayerRightAfterItsBackwardPass() {
        Network net = mlp();
        Parameter firstWeights = net.parameters().get(0);
        Recording opt = new Recording(Optimizer.create(OptimizerSpec.adam(), net.parameters(), compute), firstWeights);
        new Trainer(net, opt, 4, 1).trainEpoch(NoiseImages.of(8, 3), 1);
        // two batches; per batch: begin, then the dense layers' (weight, bias) pairs top down
        // (the parameter-free layers' empty ranges left out)
        List<String> ranges = opt.calls.stream().filter(c -> !c.matches("(\\d+)-\\1")).toList();
        assertEquals(List.of("begin", "4-6", "2-4", "0-2", "begin", "4-6", "2-4", "0-2"), ranges);
        // in the first batch the upper layers are updated before the first layer has a gradient
        assertEquals(List.of(false, false, true), opt.firstGradientSeen.subList(0, 3));
    }

    @Test
    void trainerRefusesAnOptimizerOverOtherParameters() {
        Network net = mlp();
        Optimizer opt = Optimizer.create(OptimizerSpec.sgd(), net.parameters().subList(0, 2), compute);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(net, opt, 4, 1));
        assertTrue(e.getMessage().contains("updates 2 parameters, the network has 6"), e.getMessage());
    }

    /**
     * Records the calls it passes on: "begin", "from-to" (empty ranges too) and "step", and at
     * each non-empty update whether {@code watched} has a non-zero gradient yet.
     */
    private static final class Recording implements Optimizer {
        final Optimizer inner;
        final Parameter watched;
        final List<String> calls = new ArrayList<>();
        final List<Boolean> firstGradientSeen = new ArrayList<>();

        Recording(Optimizer inner, Parameter watched) {
            this.inner = inner;
            this.watched = watched;
        }

        @Override
        public void step() {
            calls.add("step");
            inner.step();
        }

        @Override
        public void beginStep() {
            calls.add("begin");
            inner.beginStep();
        }

        @Override
        public void update(int from, int to) {
            calls.add(from + "-" + to);
            if (from < to) {
                boolean seen = false;
                for (float g : watched.grad()) {
                    seen |= g != 0f;
                }
                firstGradientSeen.add(seen);
            }
            inner.update(from, to);
        }

        @Override
        public int parameterCount() {
            return inner.parameterCount();
        }

        @Override
        public double learningRate() {
            return inner.learningRate();
        }

        @Override
        public void learningRate(double rate) {
            inner.learningRate(rate);
        }

        @Override
        public OptimizerState exportState() {
            return inner.exportState();
        }

        @Override
        public void importState(OptimizerState state) {
            inner.importState(state);
        }
    }
}
