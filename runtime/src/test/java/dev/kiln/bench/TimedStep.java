package dev.kiln.bench;

import dev.kiln.data.ImageSet;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.nn.Parameter;
import dev.kiln.nn.SoftmaxCrossEntropy;
import dev.kiln.optim.Optimizer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A spec's network ({@link SpecNetwork}) running the calls of {@code Trainer}'s training step
 * batch by batch, with a timer around each part: loading the input, each layer's forward pass,
 * backward pass and optimizer update, and the loss. Batches are taken in order from the training
 * images (no shuffle), so two instances of one spec see the same batches. For the bench tools;
 * not a test.
 */
final class TimedStep implements AutoCloseable {

    private final SpecNetwork model;
    private final Network net;
    private final Optimizer optimizer;
    private final List<Layer> layers;
    private final int hidden;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final ImageSet train;
    private final int batch;
    private final int classes;
    private final int[] order;
    private final int[] labels;
    private final float[] gradLogits;
    private long step;

    private int batches;
    private long total;
    private long input;
    private long lossTime;
    private long stepStart;
    private final long[] forward;
    private final long[] backward;
    private final long[] update;

    /** Times steps of {@code model}'s network; closing this closes the model's pool. */
    TimedStep(SpecNetwork model) {
        this.model = model;
        train = model.train;
        batch = model.spec.batchSize();
        net = model.net;
        optimizer = model.optimizer;
        layers = net.layers();
        hidden = layers.size() - 1; // the softmax is fused into the loss
        classes = net.classes();
        order = new int[train.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        labels = new int[batch];
        gradLogits = new float[batch * classes];
        forward = new long[hidden];
        backward = new long[hidden];
        update = new long[hidden];
    }

    /** Runs {@code count} more training steps, adding to the timers. */
    void run(int count) {
        for (int n = 0; n < count; n++) {
            long t0 = System.nanoTime();
            int start = (int) (step * batch % (train.count() - batch + 1));
            for (int r = 0; r < batch; r++) {
                labels[r] = train.label(order[start + r]);
            }
            float[] x = net.loadInput(train.pixels(), order, start, batch);
            net.setStep(step++);
            long a = System.nanoTime();
            input += a - t0;
            for (int i = 0; i < hidden; i++) {
                x = layers.get(i).forward(x, batch, true);
                long b = System.nanoTime();
                forward[i] += b - a;
                a = b;
            }
            loss.lossAndGradient(x, labels, batch, classes, gradLogits);
            long b = System.nanoTime();
            lossTime += b - a;
            // as Trainer does: each layer updated right after its backward pass
            optimizer.beginStep();
            a = System.nanoTime();
            stepStart += a - b;
            float[] g = gradLogits;
            for (int i = hidden - 1, p = optimizer.parameterCount(); i >= 0; i--) {
                if (g != null) {
                    g = layers.get(i).backward(g, batch);
                }
                long u = System.nanoTime();
                backward[i] += u - a;
                int params = layers.get(i).parameters().size();
                optimizer.update(p - params, p);
                p -= params;
                a = System.nanoTime();
                update[i] += a - u;
            }
            total += a - t0;
            batches++;
        }
    }

    /** Clears the timers (not the training state). */
    void resetTimers() {
        batches = 0;
        total = 0;
        input = 0;
        lossTime = 0;
        stepStart = 0;
        Arrays.fill(forward, 0);
        Arrays.fill(backward, 0);
        Arrays.fill(update, 0);
    }

    int batchSize() {
        return batch;
    }

    int threads() {
        return model.parallel.threads();
    }

    /** Timed steps since the last reset. */
    int batches() {
        return batches;
    }

    /** Layers timed, the softmax fused into the loss left out. */
    int hiddenLayers() {
        return hidden;
    }

    String layerName(int i) {
        return i + ":" + layers.get(i).type();
    }

    /** Milliseconds per step since the last reset. */
    double stepMillis() {
        return perStep(total);
    }

    double inputMillis() {
        return perStep(input);
    }

    double lossMillis() {
        return perStep(lossTime);
    }

    double stepStartMillis() {
        return perStep(stepStart);
    }

    double forwardMillis(int layer) {
        return perStep(forward[layer]);
    }

    double backwardMillis(int layer) {
        return perStep(backward[layer]);
    }

    double updateMillis(int layer) {
        return perStep(update[layer]);
    }

    private double perStep(long nanos) {
        return batches == 0 ? 0 : nanos / 1e6 / batches;
    }

    /** Whether every parameter of this network holds the same bits as {@code other}'s. */
    boolean sameParameters(TimedStep other) {
        List<Parameter> mine = net.parameters();
        List<Parameter> theirs = other.net.parameters();
        if (mine.size() != theirs.size()) {
            return false;
        }
        for (int i = 0; i < mine.size(); i++) {
            if (!Arrays.equals(mine.get(i).value(), theirs.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    /** One line: milliseconds per step, steps, threads. */
    String summary(String title) {
        return String.format(Locale.ROOT, "%s: %d batches of %d, %d threads, %.3f ms per batch", title, batches, batch,
                threads(), stepMillis());
    }

    @Override
    public void close() {
        model.close();
    }
}
