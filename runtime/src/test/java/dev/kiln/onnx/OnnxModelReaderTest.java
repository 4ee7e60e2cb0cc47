package dev.kiln.onnx;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Network;
import dev.kiln.onnx.proto.Onnx.ModelProto;
import dev.kiln.onnx.proto.Onnx.StringStringEntryProto;
import dev.kiln.onnx.proto.Onnx.TensorProto;
import dev.kiln.parallel.Parallel;
import dev.kiln.spec.TrainingSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelReaderTest {

    private static Parallel parallel;
    private static Compute compute;

    @TempDir
    Path dir;

    @BeforeAll
    static void pool() {
        parallel = new Parallel(2);
        compute = Fixtures.compute(parallel);
    }

    @AfterAll
    static void closePool() {
        parallel.close();
    }

    private Path exported(TrainingSpec spec, Network net) throws Exception {
        Path file = dir.resolve("digits.onnx");
        OnnxExporter.export(net, spec, Fixtures.METADATA, file);
        return file;
    }

    @Test
    void readBackNetworkPredictsExactlyTheSame() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        Network net = Fixtures.network(compute, spec);
        Path file = exported(spec, net);

        Network back = OnnxModelReader.read(file, compute);
        assertArrayEquals(Fixtures.INPUT_SHAPE, back.inputShape());
        assertEquals(Fixtures.CLASSES, back.classes());
        assertEquals(net.inputScale(), back.inputScale());
        assertEquals(net.inputShift(), back.inputShift());
        for (int seed = 0; seed < 3; seed++) {
            int n = 5 + seed * 20;
            byte[] pixels = Fixtures.pixels(seed, n);
            assertArrayEquals(Fixtures.predict(net, pixels, n), Fixtures.predict(back, pixels, n), "batch " + n);
        }
        // Nothing lost on the way: exporting the read network reproduces the file.
        assertArrayEquals(Files.readAllBytes(file), OnnxExporter.toBytes(back, spec, Fixtures.METADATA));
    }

    @Test
    void metadataIsReturnedAsStored() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        Path file = exported(spec, Fixtures.network(compute, spec));
        Map<String, String> meta = OnnxModelReader.metadata(file);
        assertEquals(spec.modelOnly().toText(), meta.get(OnnxExporter.META_SPEC));
        assertEquals(spec.fingerprint(), meta.get(OnnxExporter.META_FINGERPRINT));
        assertEquals("0.9123", meta.get("kiln.testAccuracy"));
        assertEquals(4, meta.size());
    }

    @Test
    void damagedFilesAreReportedWithTheirName() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        byte[] good = Files.readAllBytes(exported(spec, Fixtures.network(compute, spec)));

        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        Path garbage = dir.resolve("garbage.onnx");
        byte[] noise = new byte[4096];
        new SplittableRandom(3).nextBytes(noise);
        Files.write(garbage, noise);
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);

        for (Path p : new Path[] {truncated, garbage, empty}) {
            OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModelReader.read(p, compute));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
            assertEquals(p, e.file());
            assertThrows(OnnxFormatException.class, () -> OnnxModelReader.metadata(p));
        }
    }

    @Test
    void modelsFromOtherProducersAreRefused() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        ModelProto kiln = ModelProto.parseFrom(Files.readAllBytes(exported(spec, Fixtures.network(compute, spec))));
        Path other = dir.resolve("other.onnx");
        Files.write(other, kiln.toBuilder().setProducerName("pytorch").clearMetadataProps().build().toByteArray());

        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModelReader.read(other, compute));
        assertTrue(e.getMessage().contains("not a model exported by Kiln"), e.getMessage());
        assertTrue(e.getMessage().contains("pytorch"), e.getMessage());
        assertEquals(Map.of(), OnnxModelReader.metadata(other), "metadata of any ONNX model is readable");
    }

    @Test
    void fileWhoseSpecWasEditedIsRefused() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(exported(spec, Fixtures.network(compute, spec))));
        ModelProto.Builder edited = m.toBuilder();
        for (int i = 0; i < edited.getMetadataPropsCount(); i++) {
            StringStringEntryProto e = edited.getMetadataProps(i);
            if (e.getKey().equals(OnnxExporter.META_SPEC)) {
                edited.setMetadataProps(i, e.toBuilder().setValue(e.getValue().replace("seed=42", "seed=43")));
            }
        }
        Path file = dir.resolve("edited.onnx");
        Files.write(file, edited.build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModelReader.read(file, compute));
        assertTrue(e.getMessage().contains(OnnxExporter.META_FINGERPRINT), e.getMessage());
    }

    @Test
    void weightOfTheWrongShapeIsRefused() throws Exception {
        TrainingSpec spec = Fixtures.spec(13);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(exported(spec, Fixtures.network(compute, spec))));
        ModelProto.Builder edited = m.toBuilder();
        var g = edited.getGraphBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getName().endsWith(".bias")) {
                g.setInitializer(i, t.toBuilder().setRawData(t.getRawData().substring(4)));
                break;
            }
        }
        Path file = dir.resolve("short.onnx");
        Files.write(file, edited.build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModelReader.read(file, compute));
        assertTrue(e.getMessage().contains(".bias"), e.getMessage());
    }
}
