package dev.kiln.train;

import dev.kiln.data.DatasetDigests;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.DataSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.OptimizerSpec;
import dev.kiln.spec.TrainingSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run records beside the model: provenance in the JSON report and the HTML page. */
class TrainingJobReportsTest {

    @TempDir
    Path out;

    @Test
    void reportRecordsDatasetHashesAndVersionAndThePageIsWritten() throws Exception {
        Path data = out.resolve("data");
        SyntheticIdx.write(data, 300, 100, 9);
        DataSpec d = new DataSpec("synthetic", data.resolve("train-images").toString(),
                data.resolve("train-labels").toString(), data.resolve("test-images").toString(),
                data.resolve("test-labels").toString(), 0, 0, 1);
        TrainingSpec spec = new TrainingSpec("synth", d, List.of(LayerSpec.of("dense", "units", "8"),
                LayerSpec.of("relu"), LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")),
                "crossEntropy", OptimizerSpec.adam(), 1, 32, 7, 1, Double.NaN, 13);
        TrainingResult r = TrainingJob.run(spec, out, out.resolve("cache"), l -> { });
        Provenance p = JsonReport.read(out.resolve("synth.json")).provenance();
        assertEquals(r.provenance(), p);
        assertEquals(dev.kiln.KilnVersion.get(), p.kilnVersion());
        assertEquals(DatasetDigests.sha256(data.resolve("test-images")), p.datasetSha256().get("testImages"));
        String html = Files.readString(out.resolve("synth.html"));
        assertTrue(html.contains("<rect class=\"cell\"") && html.contains("<polyline class=\"curve\""));
    }
}
