package dev.kiln.report;

import dev.kiln.train.EpochStats;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code <name>.json} training report: written by the trainer, read back by the Maven plugin
 * after a forked run (the report is the only channel for the result across the process boundary).
 *
 * <p>Layout, keys in this order:
 * <pre>{@code
 * {"modelName": .., "model": "/abs/model.onnx", "dataset": .., "testAccuracy": .., "testLoss": ..,
 *  "threads": .., "seed": .., "kernels": .., "fingerprint": .., "confusionMatrix": [[..], ..],
 *  "epochs": [{"epoch": 1, "seconds": .., "imagesPerSecond": .., "trainLoss": .., "testLoss": ..,
 *              "testAccuracy": ..}, ..],
 *  "kilnVersion": .., "datasetSha256": {"trainImages": .., "trainLabels": .., "testImages": .., "testLabels": ..}}
 * }</pre>
 * Non-finite numbers (a diverged loss) are written as {@code null} and read back as NaN. Seeds
 * survive exactly up to 2<sup>53</sup>; JSON readers keep numbers as doubles. Unknown keys are
 * ignored on reading so newer reports stay readable; {@code kilnVersion} and {@code datasetSha256}
 * (the {@link Provenance}) are optional, as reports written before them lack them.
 */
public final class JsonReport {

    private JsonReport() {
    }

    /**
     * Writes the report atomically: a temporary file in the same folder, then an atomic rename,
     * so a reader never sees half a report (and a killed run never leaves one).
     */
    public static void write(TrainingResult r, Path file) {
        AtomicFiles.writeString(file, Json.write(toMap(r)), "training report");
    }

    /** The report as an ordered map, in the documented key order. */
    static Map<String, Object> toMap(TrainingResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelName", r.modelName());
        m.put("model", r.model() == null ? null : r.model().toAbsolutePath().toString());
        m.put("dataset", r.dataset());
        m.put("testAccuracy", r.testAccuracy());
        m.put("testLoss", r.testLoss());
        m.put("threads", r.threads());
        m.put("seed", r.seed());
        m.put("kernels", r.kernels());
        m.put("fingerprint", r.fingerprint());
        m.put("confusionMatrix", r.confusion() == null ? List.of() : r.confusion());
        List<Object> epochs = new ArrayList<>();
        for (EpochStats e : r.epochs() == null ? List.<EpochStats>of() : r.epochs()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("epoch", e.epoch());
            em.put("seconds", e.seconds());
            em.put("imagesPerSecond", e.imagesPerSecond());
            em.put("trainLoss", e.trainLoss());
            em.put("testLoss", e.testLoss());
            em.put("testAccuracy", e.testAccuracy());
            epochs.add(em);
        }
        m.put("epochs", epochs);
        if (r.provenance() != null) {
            m.put("kilnVersion", r.provenance().kilnVersion());
            m.put("datasetSha256", r.provenance().datasetSha256());
        }
        return m;
    }

    /**
     * Reads a report written by {@link #write}. The result's {@code report} is {@code file}.
     *
     * @throws UncheckedIOException     when the file cannot be read
     * @throws IllegalArgumentException when it is not a report; the message names the file and key
     */
    public static TrainingResult read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training report " + file + ": " + e, e);
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException("training report " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        Fields f = new Fields(file, "", root);
        String model = f.str("model", true);
        int[][] confusion = f.matrix("confusionMatrix");
        List<EpochStats> epochs = new ArrayList<>();
        List<Object> list = f.list("epochs");
        for (int i = 0; i < list.size(); i++) {
            Fields e = new Fields(file, "epochs[" + i + "].", list.get(i));
            epochs.add(new EpochStats(e.integer("epoch"), e.dbl("seconds"), e.dbl("imagesPerSecond"),
                    e.dbl("trainLoss"), e.dbl("testLoss"), e.dbl("testAccuracy")));
        }
        return new TrainingResult(f.str("modelName", false), model == null ? null : Path.of(model), file,
                f.str("dataset", true), f.dbl("testAccuracy"), f.dbl("testLoss"), f.integer("threads"),
                f.longValue("seed"), f.str("kernels", true), f.str("fingerprint", true), confusion,
                List.copyOf(epochs), f.provenance());
    }

    /** Typed access to one JSON object, with errors naming the file and the key. */
    private static final class Fields {
        private final Path file;
        private final String prefix;
        private final Map<?, ?> map;

        Fields(Path file, String prefix, Object value) {
            this.file = file;
            this.prefix = prefix;
            if (!(value instanceof Map<?, ?> m)) {
                throw bad(prefix.isEmpty() ? "the top level" : prefix.substring(0, prefix.length() - 1),
                        "must be a JSON object, got " + describe(value));
            }
            this.map = m;
        }

        private Object get(String key, boolean nullable) {
            if (!map.containsKey(key)) {
                throw bad(prefix + key, "is missing");
            }
            Object v = map.get(key);
            if (v == null && !nullable) {
                throw bad(prefix + key, "must not be null");
            }
            return v;
        }

        String str(String key, boolean nullable) {
            Object v = get(key, nullable);
            if (v != null && !(v instanceof String)) {
                throw bad(prefix + key, "must be a string, got " + describe(v));
            }
            return (String) v;
        }

        /** Numbers; {@code null} stands for a non-finite value and reads as NaN. */
        double dbl(String key) {
            Object v = get(key, true);
            if (v == null) {
                return Double.NaN;
            }
            if (!(v instanceof Double d)) {
                throw bad(prefix + key, "must be a number, got " + describe(v));
            }
            return d;
        }

        long longValue(String key) {
            Object v = get(key, false);
            if (!(v instanceof Double d) || d != Math.rint(d) || Math.abs(d) > 0x1p63) {
                throw bad(prefix + key, "must be a whole number, got " + describe(v));
            }
            return (long) (double) d;
        }

        int integer(String key) {
            long v = longValue(key);
            if (v != (int) v) {
                throw bad(prefix + key, "is out of int range: " + v);
            }
            return (int) v;
        }

        /** {@code kilnVersion} and {@code datasetSha256}, or {@code null} when the report predates them. */
        Provenance provenance() {
            if (!map.containsKey("kilnVersion") || !map.containsKey("datasetSha256")) {
                return null;
            }
            String version = str("kilnVersion", false);
            if (!(map.get("datasetSha256") instanceof Map<?, ?> shas)) {
                throw bad(prefix + "datasetSha256", "must be an object, got " + describe(map.get("datasetSha256")));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : shas.entrySet()) {
                if (!(e.getValue() instanceof String v)) {
                    throw bad(prefix + "datasetSha256." + e.getKey(), "must be a string, got " + describe(e.getValue()));
                }
                out.put((String) e.getKey(), v);
            }
            return new Provenance(version, out);
        }

        List<Object> list(String key) {
            Object v = get(key, false);
            if (!(v instanceof List<?> l)) {
                throw bad(prefix + key, "must be an array, got " + describe(v));
            }
            return new ArrayList<>(l);
        }

        int[][] matrix(String key) {
            List<Object> rows = list(key);
            int[][] out = new int[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                if (!(rows.get(i) instanceof List<?> row)) {
                    throw bad(prefix + key + "[" + i + "]", "must be an array, got " + describe(rows.get(i)));
                }
                out[i] = new int[row.size()];
                for (int j = 0; j < row.size(); j++) {
                    Object c = row.get(j);
                    if (!(c instanceof Double d) || d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                        throw bad(prefix + key + "[" + i + "][" + j + "]", "must be a whole number, got " + describe(c));
                    }
                    out[i][j] = (int) (double) d;
                }
            }
            return out;
        }

        private IllegalArgumentException bad(String where, String what) {
            return new IllegalArgumentException("training report " + file + ": '" + where + "' " + what);
        }

        private static String describe(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof String s) {
                return "the string \"" + s + "\"";
            }
            if (v instanceof Map) {
                return "an object";
            }
            if (v instanceof List) {
                return "an array";
            }
            return v.toString();
        }
    }
}
