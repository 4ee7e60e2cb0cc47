package dev.kiln.maven;

import dev.kiln.data.DatasetDigests;
import dev.kiln.onnx.OnnxExporter;
import dev.kiln.onnx.OnnxModelReader;
import dev.kiln.report.JsonReport;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.Provenance;
import dev.kiln.train.TrainingResult;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether {@code dl:train} may reuse the model of an earlier run: the model and its
 * report exist, and the spec fingerprint, the dataset files' SHA-256 and the Kiln version recorded
 * for it equal this run's. Threads and {@code minAccuracy} are not part of the fingerprint, so
 * changing them never retrains (the gate is applied again to the recorded metrics instead).
 */
final class UpToDate {

    /** Hex digits of a SHA-256 shown in log lines; enough to tell values apart at a glance. */
    static final int SHORT = 12;

    private static final Pattern LAYER_KEY = Pattern.compile("layers\\.(\\d+)\\.(?:param\\.)?(\\w+)");

    /**
     * The verdict.
     *
     * @param upToDate whether training can be skipped
     * @param recorded the earlier run's report when up to date, else {@code null}
     * @param reasons  why not, for the log ("epochs 1 -> 2", "no model at ..."); empty when up to date
     * @param fresh    no earlier model at all: the first run, nothing to compare
     */
    record Decision(boolean upToDate, TrainingResult recorded, List<String> reasons, boolean fresh) {

        /** The one log line of this decision. */
        String message(TrainingSpec spec) {
            String name = "Model '" + spec.modelName() + "'";
            if (upToDate) {
                Provenance p = recorded.provenance();
                return name + " is up to date (spec fingerprint " + shortHex(recorded.fingerprint()) + ", dataset "
                        + recorded.dataset() + " " + shortHex(DatasetDigests.combined(p.datasetSha256()))
                        + ", Kiln " + p.kilnVersion() + "); -Ddl.force to retrain";
            }
            return name + (fresh ? " needs training: " : " is out of date, retraining: ") + String.join("; ", reasons);
        }
    }

    private UpToDate() {
    }

    /**
     * Compares the earlier run's outputs with what this run would use.
     *
     * @param model       {@code <outputDirectory>/<modelName>.onnx}
     * @param report      {@code <outputDirectory>/<modelName>.json}
     * @param datasetSha  this run's dataset digests ({@link Provenance#digests}); only asked for when
     *                    there is something to compare, as hashing own files reads them
     * @param kilnVersion this plugin's runtime version
     */
    static Decision check(TrainingSpec spec, Path model, Path report, Supplier<Map<String, String>> datasetSha,
                          String kilnVersion) {
        if (!Files.isRegularFile(model)) {
            return stale(true, "no model at " + model + " yet");
        }
        if (!Files.isRegularFile(report)) {
            return stale(true, "no report at " + report + " from an earlier run");
        }
        TrainingResult recorded;
        try {
            recorded = JsonReport.read(report);
        } catch (RuntimeException e) {
            return stale(false, "the earlier report is unreadable (" + e.getMessage() + ")");
        }
        Provenance p = recorded.provenance();
        if (p == null) {
            return stale(false, "the earlier report records no dataset hashes or Kiln version (written by an older Kiln)");
        }
        List<String> reasons = new ArrayList<>();
        String fingerprint = spec.fingerprint();
        Map<String, String> modelMeta = modelMetadata(model);
        if (!fingerprint.equals(recorded.fingerprint())) {
            String what = specChanges(modelMeta, spec);
            reasons.add((what.isEmpty() ? "" : what + " ") + "(spec fingerprint " + shortHex(recorded.fingerprint())
                    + " -> " + shortHex(fingerprint) + ")");
        } else if (modelMeta == null) {
            reasons.add("the model at " + model + " is not a readable ONNX model");
        } else if (!fingerprint.equals(modelMeta.get(OnnxExporter.META_FINGERPRINT))) {
            // the report is right but the file beside it was replaced or came from another run
            reasons.add("the model file's fingerprint " + shortHex(modelMeta.get(OnnxExporter.META_FINGERPRINT))
                    + " does not match its report's " + shortHex(recorded.fingerprint()));
        }
        Map<String, String> now;
        try {
            now = datasetSha.get();
        } catch (UncheckedIOException | dev.kiln.data.DatasetException e) {
            now = null;
            reasons.add("cannot hash the dataset files (" + e.getMessage() + ")");
        }
        if (now != null) {
            for (String role : new TreeSet<>(union(now, p.datasetSha256()))) {
                String before = p.datasetSha256().get(role);
                String after = now.get(role);
                if (!Objects.equals(before, after)) {
                    reasons.add("dataset " + role + " sha256 " + shortHex(before) + " -> " + shortHex(after));
                }
            }
        }
        if (!Objects.equals(p.kilnVersion(), kilnVersion)) {
            reasons.add("Kiln version " + p.kilnVersion() + " -> " + kilnVersion);
        }
        return reasons.isEmpty() ? new Decision(true, recorded, List.of(), false) : new Decision(false, null,
                List.copyOf(reasons), false);
    }

    private static Decision stale(boolean fresh, String reason) {
        return new Decision(false, null, List.of(reason), fresh);
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    /** The model's metadata, or {@code null} when it is not a readable ONNX file. */
    private static Map<String, String> modelMetadata(Path model) {
        try {
            return OnnxModelReader.metadata(model);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What differs between the spec stored in the earlier model and this one, e.g.
     * {@code epochs 1 -> 2, layer #1 units 32 -> 64}; empty when the model does not say.
     */
    static String specChanges(Map<String, String> modelMeta, TrainingSpec spec) {
        String stored = modelMeta == null ? null : modelMeta.get(OnnxExporter.META_SPEC);
        if (stored == null) {
            return "";
        }
        TreeMap<String, String> before;
        try {
            before = entries(TrainingSpec.parse(stored).canonicalModelText());
        } catch (RuntimeException e) {
            return "";
        }
        TreeMap<String, String> after = entries(spec.canonicalModelText());
        List<String> out = new ArrayList<>();
        for (String key : new TreeSet<>(union(before, after))) {
            String b = before.get(key);
            String a = after.get(key);
            if (!Objects.equals(a, b)) {
                out.add(label(key) + " " + (b == null ? "(none)" : b) + " -> " + (a == null ? "(none)" : a));
            }
        }
        return String.join(", ", out);
    }

    private static TreeMap<String, String> entries(String canonical) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(canonical));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeMap<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** A spec key as the POM says it: {@code layers.001.param.units} is {@code layer #2 units}. */
    static String label(String key) {
        Matcher m = LAYER_KEY.matcher(key);
        if (m.matches()) {
            return "layer #" + (Integer.parseInt(m.group(1)) + 1) + " " + m.group(2);
        }
        if (key.equals("layers.count")) {
            return "number of layers";
        }
        if (key.equals("data.name")) {
            return "dataset";
        }
        return key.startsWith("data.") ? key.substring("data.".length()) : key;
    }

    /** The first {@value #SHORT} hex digits, or {@code (none)}. */
    static String shortHex(String hex) {
        if (hex == null) {
            return "(none)";
        }
        return hex.length() <= SHORT ? hex : hex.substring(0, SHORT);
    }
}
