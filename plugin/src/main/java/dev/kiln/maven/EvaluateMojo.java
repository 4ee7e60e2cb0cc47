package dev.kiln.maven;

import dev.kiln.data.DatasetCatalog;
import dev.kiln.data.DatasetDigests;
import dev.kiln.data.DatasetException;
import dev.kiln.data.IdxReader;
import dev.kiln.data.ImageSet;
import dev.kiln.onnx.OnnxExporter;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.report.AtomicFiles;
import dev.kiln.report.JUnitGates;
import dev.kiln.report.Json;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.repository.RemoteRepository;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates any ONNX image classifier (Kiln's, PyTorch's, Keras's...) with ONNX Runtime on a
 * catalog dataset or your own IDX test files, gates it on {@code <minAccuracy>} like
 * {@code dl:train} does, and writes {@code <name>.eval.json} and {@code <name>-eval-gates.xml}
 * (JUnit XML) next to the model.
 *
 * <p>Pixels ({@code 0..255}) become {@code (pixel * scale - mean) / std}, shaped as
 * {@code <layout>}: {@code NCHW} {@code [N,1,H,W]}, {@code NHWC} {@code [N,H,W,1]} or {@code flat}
 * {@code [N,H*W]}. They are fed to the model's first input; its first output is read as class
 * scores, probabilities or logits alike (the highest one is the prediction). Runs in Maven's
 * JVM and needs no project: {@code mvn dl:evaluate -Ddl.model=net.onnx -Ddl.scale=0.00392156862745098}.
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class EvaluateMojo extends AbstractMojo {

    /** The ONNX model to evaluate. */
    @Parameter(property = "dl.model", required = true)
    File model;

    /** Catalog dataset whose test split is used ({@code mnist}, {@code fashion-mnist}), or a label for own files. */
    @Parameter(property = "dl.dataset", defaultValue = "mnist")
    String dataset;

    /** Own test images (IDX3, raw or gzip); with {@code testLabels}, replaces the catalog dataset. */
    @Parameter(property = "dl.testImages")
    File testImages;

    /** Own test labels (IDX1). */
    @Parameter(property = "dl.testLabels")
    File testLabels;

    /** Where catalog datasets are cached; defaults to {@code ~/.kiln/datasets}. */
    @Parameter(property = "dl.datasets")
    File datasets;

    /** Test accuracy the model must reach, in {@code [0, 1]}; below it the build fails. No gate when absent. */
    @Parameter(property = "dl.minAccuracy")
    Double minAccuracy;

    /** Test accuracy every class must reach, in {@code [0, 1]}. No per-class gate when absent. */
    @Parameter(property = "dl.minClassAccuracy")
    Double minClassAccuracy;

    /** Pixel multiplier: {@code 1} (raw {@code 0..255}, what Kiln models take) or {@code 0.00392156862745098} (1/255) for {@code [0, 1]} models. */
    @Parameter(property = "dl.scale", defaultValue = "1")
    double scale;

    /** Subtracted after scaling, e.g. {@code 0.1307} for the usual PyTorch MNIST normalization. */
    @Parameter(property = "dl.mean", defaultValue = "0")
    double mean;

    /** Divides after subtracting the mean, e.g. {@code 0.3081}; must be {@code > 0}. */
    @Parameter(property = "dl.std", defaultValue = "1")
    double std;

    /** Input layout: {@code NCHW} ({@code [N,1,H,W]}), {@code NHWC} ({@code [N,H,W,1]}) or {@code flat} ({@code [N,H*W]}). */
    @Parameter(property = "dl.layout", defaultValue = "NCHW")
    String layout;

    /** Images per inference call when the model's batch dimension is symbolic; a fixed one is used as is. */
    @Parameter(property = "dl.evalBatchSize", defaultValue = "256")
    int batchSize;

    /** Base name of the outputs; defaults to the model's file name without {@code .onnx}. */
    @Parameter(property = "dl.evalName")
    String name;

    /** Where {@code <name>.eval.json} and {@code <name>-eval-gates.xml} go; defaults to the model's folder. */
    @Parameter(property = "dl.evalOutputDirectory")
    File outputDirectory;

    /** Skips the evaluation (and its gate). */
    /**
     * A model this one must not be worse than: an ONNX file, or {@code groupId:artifactId:version[:classifier]}
     * of an attached model (type {@code onnx}, e.g. the last release). Evaluated on the same
     * test set with the same preprocessing.
     */
    @Parameter(property = "dl.baseline")
    String baseline;

    /** How far below the baseline's accuracy the model may fall, e.g. {@code 0.005}; default 0. */
    @Parameter(property = "dl.maxAccuracyDrop", defaultValue = "0")
    double maxAccuracyDrop;

    @Component
    RepositorySystem repositorySystem;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    RepositorySystemSession repositorySession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    List<RemoteRepository> remoteRepositories;

    @Parameter(property = "dl.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping model evaluation (dl.skip=true)");
            return;
        }
        Path modelFile = checkModel();
        Preprocessing pre = preprocessing();
        checkGate("minAccuracy", minAccuracy);
        checkGate("minClassAccuracy", minClassAccuracy);
        if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
            throw new MojoExecutionException(PomErrors.describe("maxAccuracyDrop",
                    "must be between 0 and 1 (e.g. 0.005), got " + maxAccuracyDrop));
        }
        if (batchSize < 1) {
            throw new MojoExecutionException("Invalid <batchSize> (-Ddl.evalBatchSize): must be >= 1, got " + batchSize);
        }
        String base = name != null && !name.isBlank() ? name.trim() : baseName(modelFile);
        Path out = outputDirectory != null ? outputDirectory.toPath().toAbsolutePath().normalize() : modelFile.getParent();

        Map<String, String> meta = readMetadata(modelFile);
        if (meta.containsKey(OnnxExporter.META_SPEC) && (scale != 1 || mean != 0 || std != 1)) {
            // a Kiln model normalizes inside its graph: anything but raw pixels is almost surely a mistake
            getLog().warn("Model '" + base + "' was exported by Kiln and takes raw 0-255 pixels; "
                    + "<scale>/<mean>/<std> other than 1/0/1 will likely ruin its accuracy");
        }
        Data data = loadTestSet();
        getLog().info(String.format(Locale.ROOT, "Evaluating model '%s' (%s) on %s: %d test images, %s",
                base, modelFile, data.name, data.test.count(), pre.describe()));
        OnnxEvaluator.Result r;
        try {
            r = OnnxEvaluator.evaluate(modelFile, data.test, pre, batchSize);
        } catch (OnnxEvaluator.EvaluationException e) {
            throw new MojoExecutionException(PomErrors.describe(e.field(), e.getMessage()));
        }

        double[] perClass = classAccuracies(r.confusion());
        double gate = minAccuracy != null ? minAccuracy : Double.NaN;
        double classGate = minClassAccuracy != null ? minClassAccuracy : Double.NaN;
        List<JUnitGates.Gate> gates = new ArrayList<>(
                AccuracyGate.gates(base, r.accuracy(), perClass, gate, classGate, modelFile));
        Double baselineAccuracy = null;
        if (baseline != null && !baseline.isBlank()) {
            Path basePath = BaselineModel.resolve(baseline, repositorySystem, repositorySession, remoteRepositories);
            try {
                baselineAccuracy = OnnxEvaluator.evaluate(basePath, data.test, pre, batchSize).accuracy();
            } catch (OnnxEvaluator.EvaluationException e) {
                throw new MojoExecutionException(PomErrors.describe("baseline", basePath + ": " + e.getMessage()));
            }
            getLog().info(String.format(Locale.ROOT, "Baseline %s: test accuracy %s", baseline,
                    AccuracyGate.accuracy(baselineAccuracy, Double.NaN)));
            gates.add(BaselineModel.gate(base, r.accuracy(), baselineAccuracy, maxAccuracyDrop, baseline, modelFile));
        }
        Path json = out.resolve(base + ".eval.json");
        try {
            Map<String, Object> report = report(modelFile, data, pre, r, perClass, gate, classGate, gates);
            if (baselineAccuracy != null) {
                report.put("baseline", baseline);
                report.put("baselineAccuracy", baselineAccuracy);
                report.put("maxAccuracyDrop", maxAccuracyDrop);
            }
            AtomicFiles.writeString(json, Json.write(report), "evaluation report");
            JUnitGates.write(out.resolve(base + "-eval-gates.xml"), "dl.evaluate." + base, gates, r.seconds());
        } catch (UncheckedIOException e) {
            throw new MojoExecutionException("Model '" + base + "': " + e.getMessage(), e);
        }
        AccuracyGate.enforce(gates);
        getLog().info(String.format(Locale.ROOT, "Model '%s' evaluated: test accuracy %s (%s) on %d images in %.1f s -> %s",
                base, AccuracyGate.accuracy(r.accuracy(), Double.NaN),
                Double.isNaN(gate) ? "no accuracy gate" : ">= minAccuracy " + AccuracyGate.plain(gate),
                data.test.count(), r.seconds(), json));
    }

    private Path checkModel() throws MojoExecutionException {
        if (model == null) {
            throw new MojoExecutionException(PomErrors.describe("model", "is required: the ONNX file to evaluate"));
        }
        Path p = model.toPath().toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new MojoExecutionException(PomErrors.describe("model", p + " does not exist or is not a file;"
                    + " point it at an ONNX model"));
        }
        return p;
    }

    private Map<String, String> readMetadata(Path p) throws MojoExecutionException {
        try {
            return OnnxModelReader.metadata(p);
        } catch (IOException e) {
            // OnnxFormatException is an IOException: its message names the file and why
            throw new MojoExecutionException(PomErrors.describe("model", e.getMessage()
                    + "; expected an ONNX model (.onnx)"));
        }
    }

    private Preprocessing preprocessing() throws MojoExecutionException {
        Preprocessing.Layout l = Preprocessing.Layout.parse(layout);
        if (l == null) {
            throw new MojoExecutionException(PomErrors.describe("layout", "'" + layout
                    + "' is not a layout; use NCHW ([N,1,H,W]), NHWC ([N,H,W,1]) or flat ([N,H*W])"));
        }
        if (!Double.isFinite(scale) || scale == 0) {
            throw new MojoExecutionException(PomErrors.describe("scale", "must be a finite non-zero number"
                    + " (1 for raw 0-255 pixels, 0.00392156862745098 for [0, 1]), got " + scale));
        }
        if (!Double.isFinite(mean)) {
            throw new MojoExecutionException(PomErrors.describe("mean", "must be finite, got " + mean));
        }
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new MojoExecutionException(PomErrors.describe("std", "must be a finite number > 0, got " + std));
        }
        return new Preprocessing(scale, mean, std, l);
    }

    private static void checkGate(String field, Double v) throws MojoExecutionException {
        if (v != null && !(v >= 0 && v <= 1)) {
            throw new MojoExecutionException(PomErrors.describe(field, "must be between 0 and 1 (e.g. 0.97), got " + v));
        }
    }

    /** The test split and the SHA-256 of its two files. */
    private record Data(String name, ImageSet test, Map<String, String> sha256) {
    }

    private Data loadTestSet() throws MojoExecutionException {
        try {
            if (testImages != null || testLabels != null) {
                if (testImages == null || testLabels == null) {
                    throw new MojoExecutionException(PomErrors.describe("dataFiles",
                            "own test data needs both <testImages> and <testLabels>"));
                }
                Path img = testImages.toPath().toAbsolutePath();
                Path lab = testLabels.toPath().toAbsolutePath();
                // 256: any byte is a label here; the model's output size bounds them later
                ImageSet test = IdxReader.read(img, lab, 256);
                Map<String, String> sha = new LinkedHashMap<>();
                sha.put(DatasetDigests.TEST_IMAGES, DatasetDigests.sha256(img));
                sha.put(DatasetDigests.TEST_LABELS, DatasetDigests.sha256(lab));
                return new Data(dataset == null || dataset.isBlank() ? "own files" : dataset.trim(), test, sha);
            }
            String n = dataset == null ? "" : dataset.trim();
            if (!DatasetCatalog.names().contains(n)) {
                throw new MojoExecutionException(PomErrors.describe("dataset", "unknown dataset '" + n
                        + "'; allowed: " + DatasetCatalog.names() + ", or give <testImages> and <testLabels>"));
            }
            Path cache = (datasets != null ? datasets.toPath() : DatasetCache.defaultDir()).toAbsolutePath().normalize();
            ImageSet test = new DatasetCatalog(cache, getLog()::info).load(n).test();
            Map<String, String> all = DatasetDigests.catalog(n);
            Map<String, String> sha = new LinkedHashMap<>();
            sha.put(DatasetDigests.TEST_IMAGES, all.get(DatasetDigests.TEST_IMAGES));
            sha.put(DatasetDigests.TEST_LABELS, all.get(DatasetDigests.TEST_LABELS));
            return new Data(n, test, sha);
        } catch (DatasetException | UncheckedIOException e) {
            throw new MojoExecutionException("Cannot load the test data: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> report(Path modelFile, Data data, Preprocessing pre, OnnxEvaluator.Result r,
                                       double[] perClass, double gate, double classGate, List<JUnitGates.Gate> gates) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelFile.toString());
        m.put("modelSha256", DatasetDigests.sha256(modelFile));
        m.put("dataset", data.name());
        m.put("datasetSha256", data.sha256());
        m.put("images", data.test().count());
        m.put("inputName", r.inputName());
        m.put("inputShape", Preprocessing.shape(r.inputShape()));
        m.put("layout", pre.layout().display());
        m.put("scale", pre.scale());
        m.put("mean", pre.mean());
        m.put("std", pre.std());
        m.put("outputName", r.outputName());
        m.put("classes", r.classes());
        m.put("testAccuracy", r.accuracy());
        m.put("classAccuracy", perClass);
        m.put("confusionMatrix", r.confusion());
        m.put("minAccuracy", Double.isNaN(gate) ? null : gate);
        m.put("minClassAccuracy", Double.isNaN(classGate) ? null : classGate);
        m.put("passed", gates.stream().noneMatch(JUnitGates.Gate::failed));
        m.put("seconds", r.seconds());
        m.put("onnxRuntime", OnnxEvaluator.runtimeVersion());
        return m;
    }

    static double[] classAccuracies(int[][] confusion) {
        double[] out = new double[confusion.length];
        for (int i = 0; i < confusion.length; i++) {
            long total = 0;
            for (int v : confusion[i]) {
                total += v;
            }
            out[i] = total == 0 ? Double.NaN : (double) confusion[i][i] / total;
        }
        return out;
    }

    private static String baseName(Path p) {
        String f = p.getFileName().toString();
        return f.toLowerCase(Locale.ROOT).endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }
}
