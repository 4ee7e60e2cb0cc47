package dev.kiln.bench;

import dev.kiln.data.DatasetCatalog;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.TrainingJob;
import dev.kiln.train.TrainingListener;
import dev.kiln.train.TrainingResult;

import java.nio.file.Path;
import java.util.List;

/**
 * A manual check, not a unit test, that a small CNN learns MNIST: conv 3x3x32, relu, conv
 * 3x3x64, relu, maxpool 2, flatten, dense 128, relu, dense 10, softmax, Adam, batch 50, one
 * epoch on the first {@code trainLimit} images (10000 unless given), through {@link TrainingJob}
 * exactly as the plugin runs it. Prints the epoch line (time, images/s, test accuracy).
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:<protobuf jar>
 * dev.kiln.bench.MnistCnnRun [threads] [trainLimit] [epochs]}; the dataset comes from
 * {@link DatasetCatalog#defaultCacheDir()} (fetched there when missing), the model goes to {@code target/mnist-cnn}.
 */
public final class MnistCnnRun {

    private MnistCnnRun() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<LayerSpec> layers = List.of(
                LayerSpec.of("conv2d", "filters", "32", "kernel", "3"),
                LayerSpec.of("relu"),
                LayerSpec.of("conv2d", "filters", "64", "kernel", "3"),
                LayerSpec.of("relu"),
                LayerSpec.of("maxPool2d", "size", "2"),
                LayerSpec.of("flatten"),
                LayerSpec.of("dense", "units", "128"),
                LayerSpec.of("relu"),
                LayerSpec.of("dense", "units", "10", "init", "xavier"),
                LayerSpec.of("softmax"));
        DataSpec data = new DataSpec("mnist", null, null, null, null, limit, 0.1307, 0.3081);
        TrainingSpec spec = new TrainingSpec("mnist-cnn", data, layers, "crossEntropy", OptimizerSpec.adam(), epochs, 50,
                42L, threads, Double.NaN, 13);
        TrainingResult r = TrainingJob.run(spec, Path.of("target", "mnist-cnn"), DatasetCatalog.defaultCacheDir(),
                TrainingListener.stdout());
        System.out.println("test accuracy " + r.testAccuracy());
    }
}
