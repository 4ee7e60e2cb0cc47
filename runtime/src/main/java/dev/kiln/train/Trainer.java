package dev.kiln.train;

import dev.kiln.data.ImageSet;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.SoftmaxCrossEntropy;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Mini-batch training: each epoch visits the training set in an order shuffled from the run
 * seed and the epoch number, so a run is reproducible and any epoch can be replayed alone.
 */
public final class Trainer {

    private final Network net;
    private final Optimizer optimizer;
    private final int batchSize;
    private final long seed;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final int[] batchLabels;
    private final float[] gradLogits;
    /** The parameters, listed once for {@link #checkWeights}. */
    private final List<Parameter> parameters;
    /** Layer {@code i}'s parameters are {@code parameters[layerParams[i], layerParams[i + 1])}. */
    private final int[] layerParams;
    /** Updates a layer's parameters once its backward pass is done; made once, so a batch allocates nothing. */
    private final IntConsumer updateLayer;
    /** The visiting order of the current epoch, reused while the training set keeps its size. */
    private int[] epochOrder = new int[0];
    /** Set by {@link #leaveCoresToJit}: the pool to run inline while {@link #warmup} says the JIT is busy. */
    private Parallel parallel;
    private JitWarmup warmup;

    public Trainer(Network net, Optimizer optimizer, int batchSize, long seed) {
        this.net = net;
        this.optimizer = optimizer;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchLabels = new int[batchSize];
        this.gradLogits = new float[batchSize * net.classes()];
        this.parameters = net.parameters();
        List<Layer> layers = net.layers();
        this.layerParams = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            layerParams[i + 1] = layerParams[i] + layers.get(i).parameters().size();
        }
        if (optimizer.parameterCount() != parameters.size()) {
            throw new IllegalArgumentException("the optimizer updates " + optimizer.parameterCount()
                    + " parameters, the network has " + parameters.size() + ": make it over net.parameters()");
        }
        this.updateLayer = i -> optimizer.update(layerParams[i], layerParams[i + 1]);
    }

    /**
     * Runs batches on the calling thread alone while the JIT is busy compiling at the start of
     * training ({@link JitWarmup}), leaving the pool's other cores to the compilers; the pool must
     * be the network's. The bits do not change: results never depend on the thread count.
     */
    public void leaveCoresToJit(Parallel parallel) {
        leaveCoresToJit(parallel, JitWarmup.ofThisJvm());
    }

    /** As {@link #leaveCoresToJit(Parallel)}, asking {@code warmup} before each batch. */
    void leaveCoresToJit(Parallel parallel, JitWarmup warmup) {
        if (parallel.threads() > 1) {
            this.parallel = parallel;
            this.warmup = warmup;
        }
    }

    /** The visiting order of epoch {@code epoch} (1-based): a seeded Fisher–Yates shuffle. */
    public int[] order(int count, int epoch) {
        int[] order = new int[count];
        shuffle(order, count, epoch);
        return order;
    }

    /** Fills {@code order[0, count)} with {@link #order(int, int)}. */
    private void shuffle(int[] order, int count, int epoch) {
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ (0xD1B54A32D192ED03L * epoch));
        for (int i = count - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /**
     * Trains one epoch and returns the mean training loss.
     *
     * @throws DivergenceException as soon as a batch loss is not finite
     */
    public double trainEpoch(ImageSet train, int epoch) {
        return trainEpoch(train, epoch, EpochProgress.NONE);
    }

    /**
     * Trains one epoch, reporting progress after batches to {@code progress} (which decides how
     * often to print), and returns the mean training loss.
     *
     * @throws DivergenceException as soon as a batch loss is not finite
     */
    public double trainEpoch(ImageSet train, int epoch, EpochProgress progress) {
        if (epochOrder.length != train.count()) {
            epochOrder = new int[train.count()];
        }
        int[] order = epochOrder;
        shuffle(order, train.count(), epoch);
        int classes = net.classes();
        double lossSum = 0;
        int batches = 0;
        // The step numbers batches across the run; derived from the epoch, not counted, so an
        // epoch replayed alone draws the same dropout masks.
        long batchesPerEpoch = (train.count() + batchSize - 1) / batchSize;
        long firstStep = (epoch - 1L) * batchesPerEpoch;
        try {
            for (int start = 0; start < train.count(); start += batchSize) {
                int b = Math.min(batchSize, train.count() - start);
                if (warmup != null) {
                    parallel.runInline(warmup.busy());
                }
                for (int r = 0; r < b; r++) {
                    batchLabels[r] = train.label(order[start + r]);
                }
                float[] x = net.loadInput(train.pixels(), order, start, b);
                net.setStep(firstStep + batches);
                float[] logits = net.logits(x, b, true);
                double l = loss.lossAndGradient(logits, batchLabels, b, classes, gradLogits);
                if (!Double.isFinite(l)) {
                    throw diverged(epoch, batches + 1, "the loss is " + l);
                }
                // each layer is updated as soon as its gradients are final: the step's memory traffic
                // (Adam reads and writes four arrays per parameter) then finds them still in cache
                optimizer.beginStep();
                net.backwardFromLogits(gradLogits, b, updateLayer);
                lossSum += l;
                batches++;
                progress.batchDone(epoch, batches, (int) batchesPerEpoch, start + b, lossSum / batches);
            }
        } finally {
            if (parallel != null) {
                parallel.runInline(false);
            }
        }
        checkWeights(epoch, batches);
        return lossSum / batches;
    }

    /** Exploding weights show up as non-finite values long before the loss does on some nets. */
    private void checkWeights(int epoch, int batch) {
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            for (float v : p.value()) {
                if (!Float.isFinite(v)) {
                    throw diverged(epoch, batch, "parameter " + p.name() + " is no longer finite");
                }
            }
        }
    }

    private DivergenceException diverged(int epoch, int batch, String what) {
        return new DivergenceException(String.format(java.util.Locale.ROOT,
                "Training diverged at epoch %d, batch %d: %s. Try a smaller learning rate "
                        + "(current %s; -Ddl.learningRate=...) or a different initialization (layer 'init': he, xavier).",
                epoch, batch, what, optimizer.learningRate()));
    }
}
