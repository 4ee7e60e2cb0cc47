package dev.kiln.maven;


import dev.kiln.train.SyntheticIdx;
import dev.kiln.kernels.KernelProvider;
import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.OnnxExporter;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.parallel.Parallel;
import dev.kiln.report.Json;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.TrainingJob;
import dev.kiln.train.TrainingListener;
import dev.kiln.train.TrainingResult;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dl:evaluate on a Kiln-trained model and on hand-written ONNX files in the other layouts. */
class EvaluateMojoTest {

    @TempDir
    static Path shared;

    static Path data;
    static TrainingResult trained;

    @TempDir
    Path dir;

    private final List<String> info = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void trainSmallKilnModel() throws Exception {
        data = shared.resolve("data");
        SyntheticIdx.write(data, 1000, 300, 11);
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0.1, 0.3);
        TrainingSpec spec = new TrainingSpec("synth", d, List.of(LayerSpec.of("dense", "units", "16"),
                LayerSpec.of("relu"), LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")),
                "crossEntropy", OptimizerSpec.adam(), 2, 32, 3, 1, Double.NaN, 13);
        trained = TrainingJob.run(spec, shared.resolve("model"), shared.resolve("cache"), line -> { });
    }

    private EvaluateMojo mojo(Path model) {
        EvaluateMojo m = new EvaluateMojo();
        m.model = model.toFile();
        m.dataset = "synthetic";
        m.testImages = data.resolve("test-images").toFile();
        m.testLabels = data.resolve("test-labels").toFile();
        m.scale = 1;
        m.mean = 0;
        m.std = 1;
        m.layout = "NCHW";
        m.batchSize = 64;
        m.outputDirectory = dir.toFile();
        m.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
            }

            @Override
            public void warn(CharSequence content) {
                warnings.add(content.toString());
            }
        });
        return m;
    }

    private Path kilnModel() {
        return trained.model();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> evalJson(String name) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(dir.resolve(name + ".eval.json")));
    }

    @Test
    void onnxRuntimeAgreesWithKilnOnAKilnModelAndTheGatePasses() throws Exception {
        EvaluateMojo m = mojo(kilnModel());
        m.minAccuracy = 0.9;
        m.execute();
        Map<String, Object> json = evalJson("synth");
        assertEquals(trained.testAccuracy(), (Double) json.get("testAccuracy"), 1.0 / 300,
                "ONNX Runtime on raw pixels measures what Kiln measured");
        assertEquals(300.0, json.get("images"));
        assertEquals("[N,1,28,28]", json.get("inputShape"));
        assertEquals(Boolean.TRUE, json.get("passed"));
        assertTrue(info.get(info.size() - 1).startsWith("Model 'synth' evaluated: test accuracy "), info.toString());
        assertTrue(info.get(info.size() - 1).contains("(>= minAccuracy 0.9) on 300 images"), info.toString());
        String xml = Files.readString(dir.resolve("synth-eval-gates.xml"));
        assertTrue(xml.contains("name=\"minAccuracy &gt;= 0.9\"") && !xml.contains("<failure"), xml);
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void wrongPreprocessingMissesTheGateWithTheTrainGateMessage() throws Exception {
        EvaluateMojo m = mojo(kilnModel());
        m.minAccuracy = 0.9;
        m.scale = 1.0 / 255; // a Kiln model wants raw pixels
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().matches("Model 'synth' missed its accuracy gate: test accuracy 0\\.\\d{4,} < minAccuracy 0\\.9 "
                + "\\(model: .*synth\\.onnx\\)"), e.getMessage());
        assertTrue(warnings.get(0).contains("exported by Kiln and takes raw 0-255 pixels"), warnings.toString());
        assertTrue(Files.readString(dir.resolve("synth-eval-gates.xml")).contains("<failure message=\"Model &apos;synth&apos; missed"),
                "the gate report lists the failure");
        assertEquals(Boolean.FALSE, evalJson("synth").get("passed"));
    }

    @Test
    void aModelWorseThanItsBaselineFailsAndOneAsGoodPasses() throws Exception {
        // an untrained network of the same shape: about chance accuracy
        Path random = dir.resolve("random.onnx");
        TrainingSpec spec = TrainingSpec.parse(OnnxModelReader.metadata(kilnModel()).get(OnnxExporter.META_SPEC));
        try (Parallel p = new Parallel(1)) {
            Network net = Network.build(new Compute(KernelProvider.get(), p), spec.layers(), new int[] {1, 28, 28}, 10,
                    spec.data().inputMean(), spec.data().inputStd(), 99);
            OnnxExporter.export(net, spec, Map.of(), random);
        }
        EvaluateMojo worse = mojo(random);
        worse.baseline = kilnModel().toString();
        worse.maxAccuracyDrop = 0.05;
        MojoFailureException e = assertThrows(MojoFailureException.class, worse::execute);
        assertTrue(e.getMessage().matches("Model 'random' fell below its baseline: test accuracy 0\\.\\d{4,} < baseline "
                + "[01]\\.\\d{4} - maxAccuracyDrop 0\\.05 \\(model: .*random\\.onnx, baseline: .*synth\\.onnx\\)"), e.getMessage());
        assertEquals(Boolean.FALSE, evalJson("random").get("passed"));
        assertTrue(Files.readString(dir.resolve("random-eval-gates.xml")).contains("fell below its baseline"));

        EvaluateMojo same = mojo(kilnModel());
        same.baseline = kilnModel().toString();
        same.execute();
        assertEquals(evalJson("synth").get("testAccuracy"), evalJson("synth").get("baselineAccuracy"));
    }

    @Test
    void baselineCoordinatesAndBadBaselines() {
        org.junit.jupiter.api.Assertions.assertArrayEquals(new String[] {"com.acme", "digits", "1.2.0", "digits"},
                BaselineModel.coordinates("com.acme:digits:1.2.0:digits"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new String[] {"com.acme", "digits", "1.2.0", ""},
                BaselineModel.coordinates("com.acme:digits:1.2.0"));
        org.junit.jupiter.api.Assertions.assertNull(BaselineModel.coordinates("models/old.onnx"));
        org.junit.jupiter.api.Assertions.assertNull(BaselineModel.coordinates("a::b"));

        EvaluateMojo missing = mojo(kilnModel());
        missing.baseline = dir.resolve("nope.onnx").toString();
        MojoExecutionException e = assertThrows(MojoExecutionException.class, missing::execute);
        assertTrue(e.getMessage().startsWith("Invalid <baseline> (-Ddl.baseline): ") && e.getMessage().contains("nope.onnx does not exist"),
                e.getMessage());

        EvaluateMojo drop = mojo(kilnModel());
        drop.maxAccuracyDrop = 2;
        assertTrue(assertThrows(MojoExecutionException.class, drop::execute).getMessage()
                .startsWith("Invalid <maxAccuracyDrop> (-Ddl.maxAccuracyDrop): must be between 0 and 1"));
    }

    @Test
    void aLayoutTheInputDoesNotFitNamesTheOneThatDoes() {
        EvaluateMojo m = mojo(kilnModel());
        m.layout = "flat";
        MojoExecutionException e = assertThrows(MojoExecutionException.class, m::execute);
        assertEquals("Invalid <layout> (-Ddl.layout): the model's input 'input' has shape [N,1,28,28], which does not"
                + " fit flat ([N,784] for 28x28 images); use NCHW", e.getMessage());
    }

    @Test
    void aFlatModelWithLogitsEvaluatesWithTheFlatLayout() throws Exception {
        Path model = HandBuiltModels.flat(dir.resolve("flat.onnx"), -1);
        EvaluateMojo m = mojo(model);
        m.layout = "flat";
        m.minAccuracy = 0.99;
        m.execute();
        assertTrue((Double) evalJson("flat").get("testAccuracy") >= 0.99);

        EvaluateMojo nchw = mojo(model);
        MojoExecutionException e = assertThrows(MojoExecutionException.class, nchw::execute);
        assertTrue(e.getMessage().endsWith("has shape [N,784], which does not fit NCHW ([N,1,28,28] for 28x28 images); use flat"),
                e.getMessage());
    }

    @Test
    void aFixedBatchDimensionIsFedExactlyAndTheRestPadded() throws Exception {
        EvaluateMojo m = mojo(HandBuiltModels.flat(dir.resolve("fixed.onnx"), 7)); // 300 = 42*7 + 6
        m.layout = "FLAT";
        m.execute();
        Map<String, Object> json = evalJson("fixed");
        assertEquals("[7,784]", json.get("inputShape"));
        assertTrue((Double) json.get("testAccuracy") >= 0.99);
    }

    @Test
    void anNhwcModelEvaluatesWithTheNhwcLayout() throws Exception {
        EvaluateMojo m = mojo(HandBuiltModels.nhwc(dir.resolve("keras-like.onnx")));
        m.layout = "nhwc";
        m.minAccuracy = 0.99;
        m.execute();
        assertEquals("NHWC", evalJson("keras-like").get("layout"));
    }

    @Test
    void meanAndStdScaleWhatTheModelSees() throws Exception {
        // (p/255 - 0.5)/0.5 keeps the bright block the largest average: still right
        EvaluateMojo m = mojo(HandBuiltModels.flat(dir.resolve("norm.onnx"), -1));
        m.layout = "flat";
        m.scale = 1.0 / 255;
        m.mean = 0.5;
        m.std = 0.5;
        m.minAccuracy = 0.99;
        m.execute();
        float[] out = new float[2];
        new Preprocessing(1.0 / 255, 0.5, 0.5, Preprocessing.Layout.FLAT).fill(new byte[] {0, (byte) 255}, 1, 0, 2, out);
        assertEquals(-1f, out[0], 1e-6);
        assertEquals(1f, out[1], 1e-6);
    }

    @Test
    void missingAndNonOnnxFilesAreClearErrors() throws Exception {
        MojoExecutionException missing = assertThrows(MojoExecutionException.class,
                () -> mojo(dir.resolve("nope.onnx")).execute());
        assertEquals("Invalid <model> (-Ddl.model): " + dir.resolve("nope.onnx") + " does not exist or is not a file;"
                + " point it at an ONNX model", missing.getMessage());

        Path text = Files.writeString(dir.resolve("notes.onnx"), "these are not the weights you are looking for\n");
        MojoExecutionException bad = assertThrows(MojoExecutionException.class, () -> mojo(text).execute());
        assertTrue(bad.getMessage().startsWith("Invalid <model> (-Ddl.model): "), bad.getMessage());
        assertTrue(bad.getMessage().contains("not an ONNX model"), bad.getMessage());
        assertTrue(bad.getMessage().endsWith("expected an ONNX model (.onnx)"), bad.getMessage());
        assertFalse(Files.exists(dir.resolve("notes.eval.json")));
    }

    @Test
    void badPreprocessingSettingsNameTheirElement() {
        EvaluateMojo m = mojo(kilnModel());
        m.layout = "CHW";
        assertTrue(assertThrows(MojoExecutionException.class, m::execute).getMessage()
                .startsWith("Invalid <layout> (-Ddl.layout): 'CHW' is not a layout; use NCHW"));
        EvaluateMojo s = mojo(kilnModel());
        s.std = 0;
        assertEquals("Invalid <std> (-Ddl.std): must be a finite number > 0, got 0.0",
                assertThrows(MojoExecutionException.class, s::execute).getMessage());
    }
}
