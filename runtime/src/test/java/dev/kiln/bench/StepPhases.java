package dev.kiln.bench;

import dev.kiln.data.Dataset;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.ImageSet;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Network;
import dev.kiln.nn.SoftmaxCrossEntropy;
import dev.kiln.optim.Optimizer;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.TrainingSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a training step's time goes: milliseconds per batch for loading the input, each layer's
 * forward pass, backward pass and optimizer update, and the loss, in steady state (a first round of
 * {@code batches} batches warms the JIT up and is reported separately). Builds the network of a
 * spec file as {@code TrainingJob} does and runs the same calls as {@code Trainer}, layer by
 * layer, on the spec's training images. Not a unit test.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar>
 * dev.kiln.bench.StepPhases <spec.properties> <dataset-cache> [batches=200]} (threads and batch
 * size from the spec).
 */
public final class StepPhases {

    private StepPhases() {
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = TrainingSpec.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        Dataset data = new DatasetCatalog(Path.of(args[1]), s -> { }).load(spec.data().name());
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        ImageSet train = spec.data().trainLimit() > 0 ? data.train().head(spec.data().trainLimit()) : data.train();
        int batch = spec.batchSize();
        try (Parallel parallel = new Parallel(spec.threads())) {
            Compute compute = new Compute(KernelProvider.get(System.out::println), parallel);
            Network net = Network.build(compute, spec.layers(), new int[] {1, train.rows(), train.cols()},
                    data.numClasses(), spec.data().inputMean(), spec.data().inputStd(), spec.seed());
            Optimizer optimizer = Optimizer.create(spec.optimizer(), net.parameters(), compute);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            List<Layer> layers = net.layers();
            int hidden = layers.size() - 1; // the softmax is fused into the loss
            int classes = net.classes();
            int[] order = new int[train.count()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            int[] labels = new int[batch];
            float[] gradLogits = new float[batch * classes];
            for (int round = 1; round <= 2; round++) {
                long input = 0;
                long lossTime = 0;
                long opt = 0;
                long[] fwd = new long[hidden];
                long[] bwd = new long[hidden];
                long[] upd = new long[hidden];
                long t0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    int start = (int) ((long) b * batch % (train.count() - batch + 1));
                    long a = System.nanoTime();
                    for (int r = 0; r < batch; r++) {
                        labels[r] = train.label(order[start + r]);
                    }
                    float[] x = net.loadInput(train.pixels(), order, start, batch);
                    net.setStep(b);
                    input += System.nanoTime() - a;
                    for (int i = 0; i < hidden; i++) {
                        a = System.nanoTime();
                        x = layers.get(i).forward(x, batch, true);
                        fwd[i] += System.nanoTime() - a;
                    }
                    a = System.nanoTime();
                    loss.lossAndGradient(x, labels, batch, classes, gradLogits);
                    lossTime += System.nanoTime() - a;
                    // as Trainer does: each layer updated right after its backward pass
                    a = System.nanoTime();
                    optimizer.beginStep();
                    opt += System.nanoTime() - a;
                    float[] g = gradLogits;
                    for (int i = hidden - 1, p = optimizer.parameterCount(); i >= 0; i--) {
                        a = System.nanoTime();
                        if (g != null) {
                            g = layers.get(i).backward(g, batch);
                        }
                        long u = System.nanoTime();
                        bwd[i] += u - a;
                        int count = layers.get(i).parameters().size();
                        optimizer.update(p - count, p);
                        p -= count;
                        upd[i] += System.nanoTime() - u;
                    }
                }
                double total = (System.nanoTime() - t0) / 1e6 / batches;
                System.out.printf(Locale.ROOT, "%s: %d batches of %d, %d threads, %.3f ms per batch%n",
                        round == 1 ? "warm-up round (JIT compiling)" : "steady state", batches, batch, spec.threads(), total);
                if (round == 2) {
                    System.out.printf(Locale.ROOT, "  %-12s %8.3f ms%n", "input", input / 1e6 / batches);
                    for (int i = 0; i < hidden; i++) {
                        System.out.printf(Locale.ROOT, "  %-12s forward %8.3f ms  backward %8.3f ms  update %8.3f ms%n",
                                i + ":" + layers.get(i).type(), fwd[i] / 1e6 / batches, bwd[i] / 1e6 / batches,
                                upd[i] / 1e6 / batches);
                    }
                    System.out.printf(Locale.ROOT, "  %-12s %8.3f ms%n  %-12s %8.3f ms%n", "loss", lossTime / 1e6 / batches,
                            "step start", opt / 1e6 / batches);
                }
            }
        }
    }
}
