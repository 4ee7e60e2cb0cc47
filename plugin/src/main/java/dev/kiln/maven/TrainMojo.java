package dev.kiln.maven;

import dev.kiln.KilnVersion;
import dev.kiln.cli.TrainerJvmOptions;
import dev.kiln.report.AtomicFiles;
import dev.kiln.report.JUnitGates;
import dev.kiln.report.JsonReport;
import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.DatasetException;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.SpecException;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.CheckpointException;
import dev.kiln.train.DivergenceException;
import dev.kiln.train.InsufficientMemoryException;
import dev.kiln.train.EpochStats;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingJob;
import dev.kiln.train.TrainingListener;
import dev.kiln.train.TrainingResult;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains the network described in the POM, checks it against {@code <minAccuracy>}, and attaches
 * the exported {@code <modelName>.onnx} to the project (type {@code onnx}, classifier = model name),
 * so {@code install}/{@code deploy} publish it next to the jar.
 *
 * <p>Bound by default to {@code prepare-package}: after {@code test}, so a project's own unit tests
 * fail fast before minutes of training, and before {@code package}, so the model exists (and is
 * attached) when the project is packaged, installed or deployed. {@code mvn verify} therefore
 * trains and gates; {@code mvn test} stays quick.
 *
 * <p>Training runs in a forked JVM by default ({@code <fork>}), started with the Vector API module
 * and its own heap; progress lines appear in the build log as they happen. The outputs are
 * {@code <outputDirectory>/<modelName>.onnx}, {@code .json} (the report), {@code .html} (curves,
 * confusion heat map, misclassified images), {@code -gates.xml} (the gates as JUnit XML) and
 * {@code .spec} (the exact run specification, replayable with {@code dev.kiln.cli.TrainMain}); while
 * training, {@code .ckpt} holds the last completed epoch for {@code -Ddl.resume}.
 *
 * <p>A model whose spec fingerprint, dataset SHA-256 and Kiln version equal the ones recorded in
 * its report is up to date: it is not retrained (unless {@code -Ddl.force}), but gated on its
 * recorded metrics and attached as usual.
 *
 * <p>As everywhere in Maven, a user property such as {@code -Ddl.epochs=1} only applies when the
 * parameter is not written in {@code <configuration>}; to keep a value overridable from the
 * command line, set it as a project property ({@code <properties><dl.epochs>3</dl.epochs>}).
 * {@code -Ddl.learningRate} is the exception: it is its own parameter and beats
 * {@code <optimizer><learningRate>}.
 */
@Mojo(name = "train", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class TrainMojo extends AbstractMojo {

    // ------------------------------------------------------------------ data

    /** Catalog dataset ({@code mnist}, {@code fashion-mnist}), or a label when the four IDX files are given. */
    @Parameter(property = "dl.dataset", defaultValue = "mnist")
    String dataset;

    /** Own training images (IDX3); needs all four of trainImages, trainLabels, testImages, testLabels. */
    @Parameter
    File trainImages;

    /** Own training labels (IDX1). */
    @Parameter
    File trainLabels;

    /** Own test images (IDX3). */
    @Parameter
    File testImages;

    /** Own test labels (IDX1). */
    @Parameter
    File testLabels;

    /** Train on the first N images only, for quick runs; {@code 0} uses the whole training set. */
    @Parameter(property = "dl.trainLimit", defaultValue = "0")
    int trainLimit;

    /** Input normalization: the network sees {@code (pixel/255 - inputMean) / inputStd}. */
    @Parameter(defaultValue = "0")
    double inputMean;

    /** Input normalization divisor; must be {@code > 0}. */
    @Parameter(defaultValue = "1")
    double inputStd;

    /** Where downloaded catalog datasets are cached and verified; defaults to {@code ~/.kiln/datasets}, shared by all projects. */
    @Parameter(property = "dl.datasets")
    File datasets;

    // ------------------------------------------------------------------ model

    /**
     * The network, input to output, ending in {@code softmax}. Each {@code <layer>} has a
     * {@code <type>} ({@code dense}, {@code relu}, {@code softmax}) and for {@code dense} a
     * {@code <units>} and optional {@code <init>} ({@code he}, {@code xavier}). When absent, a
     * small MLP is used: dense 128, relu, dense 10, softmax.
     */
    @Parameter
    List<Layer> layers;

    /** Loss function; only {@code crossEntropy} is implemented. */
    @Parameter(defaultValue = "crossEntropy")
    String loss;

    /** Optimizer and its settings; Adam with its usual defaults when absent. */
    @Parameter
    Optimizer optimizer;

    /** Overrides the optimizer's learning rate, typically from the command line ({@code -Ddl.learningRate=0.01}). */
    @Parameter(property = "dl.learningRate")
    Double learningRate;

    /** Passes over the training set; {@code >= 1}. */
    @Parameter(property = "dl.epochs", defaultValue = "10")
    int epochs;

    /** Images per training step; {@code >= 1}. */
    @Parameter(property = "dl.batchSize", defaultValue = "50")
    int batchSize;

    /** Seeds initialization and shuffling; the same seed and configuration give the same model. */
    @Parameter(property = "dl.seed", defaultValue = "42")
    long seed;

    /** Compute threads; defaults to the number of processors. Does not change the result, only the speed. */
    @Parameter(property = "dl.threads")
    Integer threads;

    /**
     * Test accuracy the model must reach, in {@code [0, 1]} (e.g. {@code 0.97}); below it the build
     * fails like a failing test. No gate when absent.
     */
    @Parameter(property = "dl.minAccuracy")
    Double minAccuracy;

    /**
     * Test accuracy every single class must reach, in {@code [0, 1]}: catches a model whose good
     * average hides one class it gets wrong. No per-class gate when absent.
     */
    @Parameter(property = "dl.minClassAccuracy")
    Double minClassAccuracy;

    /** Base name of the outputs: {@code <modelName>.onnx}, {@code .json}, {@code .spec}; also the attached artifact's classifier. */
    @Parameter(defaultValue = "model")
    String modelName;

    /** Where the model, report and spec are written. */
    @Parameter(defaultValue = "${project.build.directory}/dl")
    File outputDirectory;

    /** ONNX opset of the exported model (13 to 21). */
    @Parameter(defaultValue = "13")
    int opset;

    /**
     * Retrains even when the model is up to date. Without it, a run whose model and report exist
     * and whose spec fingerprint, dataset SHA-256 and Kiln version equal the recorded ones reuses
     * the model: the gate is applied to the recorded metrics and the model is attached as usual.
     */
    @Parameter(property = "dl.force", defaultValue = "false")
    boolean force;

    /**
     * Continues a run that was killed (Ctrl-C, a CI timeout, a crash) from the checkpoint it wrote
     * after its last completed epoch, {@code <outputDirectory>/<modelName>.ckpt}, instead of starting
     * over. With the same configuration the final model has the same bytes as an uninterrupted
     * run. The checkpoint must come from the same configuration, dataset and Kiln version, else
     * the build fails naming what changed; without a checkpoint, training starts at epoch 1.
     * Not part of the spec fingerprint.
     */
    @Parameter(property = "dl.resume", defaultValue = "false")
    boolean resume;

    /** Skips training (and the gate) entirely. */
    @Parameter(property = "dl.skip", defaultValue = "false")
    boolean skip;

    // ------------------------------------------------------------------ fork

    /**
     * Train in a separate JVM (default). It gets the Vector API module and its own heap, and
     * nothing it does can leak into the build; {@code false} trains inside Maven's JVM, usually
     * with the slower scalar kernels.
     */
    @Parameter(property = "dl.fork", defaultValue = "true")
    boolean fork;

    /** The {@code java} executable for the forked trainer (Java 17 or newer); defaults to the one running Maven. */
    @Parameter(property = "dl.jvm")
    File jvm;

    /**
     * Maximum heap of the forked trainer, as for {@code -Xmx}: {@code 512m}, {@code 2g}. Before
     * training, the trainer estimates what the network, optimizer, batch and dataset need and
     * fails at once when this heap is too small.
     */
    @Parameter(property = "dl.maxHeap", defaultValue = "2g")
    String maxHeap;

    /** Extra arguments for the forked JVM, e.g. {@code <jvmArg>-Dkiln.kernels=scalar</jvmArg>}; they come after {@code -Xmx}. */
    @Parameter
    List<String> jvmArgs;

    // ------------------------------------------------------------------ Maven

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** The plugin's resolved dependencies: the runtime and its libraries, i.e. the trainer's class path. */
    @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
    List<Artifact> pluginArtifacts;

    @Component
    MavenProjectHelper projectHelper;

    /** Not configurable: lets tests fork a fake trainer that honours the TrainMain contract. */
    String forkMainClass = ForkCommand.MAIN_CLASS;

    /** Not configurable: where tests put their fake trainer. */
    List<Path> extraClasspath = List.of();

    /** The network used when {@code <layers>} is not configured: a small MLP that reaches ~97% on MNIST. */
    static List<Layer> defaultLayers() {
        return List.of(new Layer("dense", 128, null), new Layer("relu", null, null),
                new Layer("dense", 10, null), new Layer("softmax", null, null));
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping model training (dl.skip=true)");
            return;
        }
        if (layers == null || layers.isEmpty()) {
            getLog().info("No <layers> configured; using the default network: dense 128, relu, dense 10, softmax");
        }
        TrainingSpec spec = toSpec();
        if (minClassAccuracy != null && !(minClassAccuracy >= 0 && minClassAccuracy <= 1)) {
            throw new MojoExecutionException(PomErrors.describe("minClassAccuracy",
                    "must be between 0 and 1 (e.g. 0.9), got " + minClassAccuracy));
        }
        Path out = outputDirectory.toPath().toAbsolutePath().normalize();
        Path cache = (datasets != null ? datasets.toPath() : DatasetCache.defaultDir()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot create <outputDirectory> " + out + ": " + e.getMessage(), e);
        }
        Path onnxFile = out.resolve(spec.modelName() + ".onnx");
        TrainingResult result = null;
        if (force) {
            getLog().info("Model '" + spec.modelName() + "': retraining because -Ddl.force is set");
        } else {
            UpToDate.Decision decision = UpToDate.check(spec, onnxFile, out.resolve(spec.modelName() + ".json"),
                    () -> Provenance.digests(spec.data()), KilnVersion.get());
            getLog().info(decision.message(spec));
            result = decision.recorded();
        }
        boolean trained = result == null;
        if (trained) {
            getLog().info(String.format("Training model '%s' on %s: %d layers, %s, %d epoch%s, batch %d, seed %d, %d threads%s",
                    spec.modelName(), spec.data().name(), spec.layers().size(), spec.optimizer().name(), spec.epochs(),
                    spec.epochs() == 1 ? "" : "s", spec.batchSize(), spec.seed(), spec.threads(),
                    fork ? "" : " (in Maven's JVM)"));
            result = fork ? trainForked(spec, out, cache) : trainInProcess(spec, out, cache);
        }

        Path onnx = trained && result.model() != null ? result.model().toAbsolutePath() : onnxFile;
        if (!Files.isRegularFile(onnx)) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': training finished but no model was written at "
                    + onnx + "; check the log above");
        }
        double classGate = minClassAccuracy != null ? minClassAccuracy : Double.NaN;
        List<JUnitGates.Gate> gates = AccuracyGate.gates(spec.modelName(), result.testAccuracy(),
                result.classAccuracies(), spec.minAccuracy(), classGate, onnx);
        Path gatesFile = out.resolve(spec.modelName() + "-gates.xml");
        try {
            // written before failing, so CI lists the missed gate as a failed test
            JUnitGates.write(gatesFile, "dl.train." + spec.modelName(), gates,
                    result.epochs().stream().mapToDouble(EpochStats::seconds).sum());
        } catch (UncheckedIOException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': " + e.getMessage(), e);
        }
        AccuracyGate.enforce(gates);
        getLog().info(AccuracyGate.summary(spec.modelName(), result, spec.minAccuracy(), onnx, trained));
        if (project != null && projectHelper != null) {
            projectHelper.attachArtifact(project, "onnx", spec.modelName(), onnx.toFile());
        }
    }

    /**
     * Maps the configuration to a validated {@link TrainingSpec}.
     *
     * @throws MojoExecutionException naming the POM element and what it accepts, for bad values
     */
    TrainingSpec toSpec() throws MojoExecutionException {
        List<LayerSpec> layerSpecs = new ArrayList<>();
        for (Layer l : layers == null || layers.isEmpty() ? defaultLayers() : layers) {
            layerSpecs.add(l == null ? new LayerSpec(null, null) : l.toSpec());
        }
        DataSpec data = new DataSpec(dataset == null ? null : dataset.trim(), path(trainImages), path(trainLabels),
                path(testImages), path(testLabels), trainLimit, inputMean, inputStd);
        Optimizer opt = optimizer != null ? optimizer : new Optimizer();
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        double gate = minAccuracy != null ? minAccuracy : Double.NaN;
        try {
            TrainingSpec spec = new TrainingSpec(modelName == null ? null : modelName.trim(), data, layerSpecs,
                    loss == null ? null : loss.trim(), opt.toSpec(learningRate), epochs, batchSize, seed, t, gate, opset);
            spec.validate();
            if (!data.ownFiles() && !DatasetCatalog.names().contains(data.name())) {
                // caught here so a typo fails before a JVM is forked
                throw new SpecException("dataset", "unknown dataset '" + data.name() + "'; allowed: "
                        + DatasetCatalog.names() + ", or give your own four IDX files"
                        + " (<trainImages>, <trainLabels>, <testImages>, <testLabels>)");
            }
            return spec;
        } catch (SpecException e) {
            throw PomErrors.invalid(e);
        }
    }

    private static String path(File f) {
        return f == null ? null : f.getAbsolutePath();
    }

    private TrainingResult trainInProcess(TrainingSpec spec, Path out, Path cache)
            throws MojoExecutionException, MojoFailureException {
        TrainingListener listener = new TrainingListener() {
            @Override
            public void log(String line) {
                getLog().info(line);
            }

            @Override
            public void epochEnded(EpochStats stats) {
                getLog().debug("epoch " + stats);
            }
        };
        try {
            return TrainingJob.run(spec, out, cache, listener, TrainingJob.Options.DEFAULT.withResume(resume));
        } catch (SpecException e) {
            throw PomErrors.invalid(e);
        } catch (InsufficientMemoryException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': " + e.getMessage()
                    + " Training runs inside Maven's JVM (<fork>false</fork>): raise its heap (MAVEN_OPTS=-Xmx...)"
                    + " or fork the trainer with a larger <maxHeap>.", e);
        } catch (CheckpointException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': " + e.getMessage(), e);
        } catch (DivergenceException e) {
            throw PomErrors.diverged(spec.modelName(), e.getMessage(), e);
        } catch (DatasetException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': configuration/data error: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': I/O error: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Model '" + spec.modelName() + "': training failed: " + e.getMessage(), e);
        }
    }

    private TrainingResult trainForked(TrainingSpec spec, Path out, Path cache) throws MojoExecutionException, MojoFailureException {
        if (!ForkCommand.isHeapSize(maxHeap)) {
            throw new MojoExecutionException(PomErrors.describe("maxHeap", "'" + maxHeap
                    + "' is not a heap size; use a number with an optional unit k, m or g, e.g. 512m or 2g"));
        }
        Path java = jvm != null ? jvm.toPath().toAbsolutePath() : ForkCommand.defaultJvm();
        if (!Files.isExecutable(java)) {
            throw new MojoExecutionException(PomErrors.describe("jvm", java
                    + " is not an executable file; point it at the java launcher of a JDK 17 or newer,"
                    + " or leave it out to use the JVM running Maven"));
        }
        List<Path> classpath;
        try {
            classpath = ForkCommand.runtimeClasspath(pluginArtifacts);
        } catch (IllegalStateException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        Path specFile = out.resolve(spec.modelName() + ".spec");
        Path report = out.resolve(spec.modelName() + ".json");
        try {
            AtomicFiles.writeString(specFile, spec.toText(), "training spec");
            TrainerJvmOptions.writeDirectives(out);
            // a report left by an earlier run must not pass for this run's result
            Files.deleteIfExists(report);
        } catch (IOException | UncheckedIOException e) {
            throw new MojoExecutionException("Cannot prepare the forked trainer's files in " + out + ": "
                    + e.getMessage(), e);
        }
        if (!extraClasspath.isEmpty()) {
            classpath = new ArrayList<>(classpath);
            classpath.addAll(extraClasspath);
        }
        List<String> command = ForkCommand.build(java, maxHeap, jvmArgs, classpath, forkMainClass, specFile, out, cache,
                resume);
        getLog().debug("Forked trainer command: " + String.join(" ", command));

        ForkedTrainer.Outcome outcome;
        try {
            Path workDir = project != null && project.getBasedir() != null ? project.getBasedir().toPath() : out;
            outcome = ForkedTrainer.run(command, workDir, getLog()::info, getLog()::debug);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot start the forked trainer with " + java + ": " + e.getMessage()
                    + "; check <jvm> (-Ddl.jvm) or set <fork>false</fork>", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("Interrupted while training model '" + spec.modelName() + "'; the trainer was stopped", e);
        }
        if (outcome.exitCode() != 0) {
            Exception failure = PomErrors.forkFailure(spec.modelName(), outcome, maxHeap);
            if (failure instanceof MojoFailureException mfe) {
                throw mfe;
            }
            throw (MojoExecutionException) failure;
        }
        if (!outcome.stderr().isEmpty()) {
            getLog().warn("The trainer wrote to standard error:");
            outcome.stderr().forEach(getLog()::warn);
        }
        try {
            return JsonReport.read(report);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Model '" + spec.modelName()
                    + "': the trainer exited normally but its report is unusable: " + e.getMessage(), e);
        }
    }
}
