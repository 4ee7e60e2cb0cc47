package dev.kiln.maven;

import dev.kiln.onnx.OnnxExporter;
import dev.kiln.onnx.proto.Onnx;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.EpochStats;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Honours the {@code TrainMain} contract without training: reads the spec, prints one line per
 * epoch, writes a node-less {@code <name>.onnx} carrying the spec metadata and a report with accuracy {@code -Dfake.accuracy}.
 */
public final class FakeSuccessTrainer {

    private FakeSuccessTrainer() {
    }

    /** An ONNX model with no nodes but the metadata the up-to-date check reads. */
    static byte[] minimalModel(TrainingSpec spec) {
        return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName(OnnxExporter.PRODUCER_NAME)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(Onnx.GraphProto.newBuilder().setName(spec.modelName()))
                .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(OnnxExporter.META_SPEC)
                        .setValue(spec.modelOnly().toText()))
                .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(OnnxExporter.META_FINGERPRINT)
                        .setValue(spec.fingerprint()))
                .build().toByteArray();
    }

    public static void main(String[] args) throws Exception {
        TrainingSpec spec = TrainingSpec.parse(Files.readString(Path.of(args[0])));
        Path out = Path.of(args[1]);
        double acc = Double.parseDouble(System.getProperty("fake.accuracy", "0.9"));
        List<EpochStats> epochs = new ArrayList<>();
        for (int e = 1; e <= spec.epochs(); e++) {
            EpochStats s = new EpochStats(e, 0.1, 1000, 0.5, 0.4, acc);
            epochs.add(s);
            System.out.println(s.line(spec.epochs()));
        }
        Path model = out.resolve(spec.modelName() + ".onnx");
        Files.write(model, minimalModel(spec));
        JsonReport.write(new TrainingResult(spec.modelName(), model, null, spec.data().name(), acc, 0.4,
                spec.threads(), spec.seed(), "scalar", spec.fingerprint(), new int[][] {{1}}, epochs,
                Provenance.of(spec.data())), out.resolve(spec.modelName() + ".json"));
    }
}
