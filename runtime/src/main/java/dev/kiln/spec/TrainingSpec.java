package dev.kiln.spec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable description of one training run: what to train, on which data, how, and the gate
 * it must pass. The plugin builds it from the POM; the forked trainer reads it back from the file
 * {@link #toText()} wrote.
 *
 * @param modelName  name of the outputs ({@code <name>.onnx}, {@code <name>.json}); letters, digits, {@code . _ -}
 * @param data       the dataset and input normalization
 * @param layers     the network, input to output
 * @param loss       only {@code crossEntropy} so far
 * @param optimizer  optimizer and its settings
 * @param epochs     passes over the training set; {@code >= 1}
 * @param batchSize  images per step; {@code >= 1}
 * @param seed       seeds initialization, shuffling and dropout
 * @param threads    compute threads; {@code >= 1}; does not change results
 * @param minAccuracy test accuracy the model must reach, in {@code [0,1]}, or {@code NaN} for no gate
 * @param opset      ONNX opset of the exported model
 */
public record TrainingSpec(String modelName, DataSpec data, List<LayerSpec> layers, String loss,
                           OptimizerSpec optimizer, int epochs, int batchSize, long seed, int threads,
                           double minAccuracy, int opset) {

    /** Optimizers this runtime implements. */
    public static final Set<String> OPTIMIZERS = Set.of("adam", "sgd");
    /** Losses this runtime implements. */
    public static final Set<String> LOSSES = Set.of("crossEntropy");
    /** ONNX opsets the exporter can write. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;

    public TrainingSpec {
        layers = List.copyOf(layers);
    }

    /** Checks every field and throws a {@link SpecException} naming the first bad one. */
    public TrainingSpec validate() {
        if (modelName == null || !modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new SpecException("modelName", "'" + modelName
                    + "' is not a usable file name; use letters, digits, '.', '_' or '-'");
        }
        if (data == null || data.name() == null || data.name().isBlank()) {
            throw new SpecException("dataset", "is required (mnist, fashion-mnist, or a label for your own IDX files)");
        }
        if (data.ownFiles() && (data.trainImages() == null || data.trainLabels() == null
                || data.testImages() == null || data.testLabels() == null)) {
            throw new SpecException("dataFiles", "own IDX files need all four of trainImages, trainLabels, testImages, testLabels");
        }
        if (data.trainLimit() < 0) {
            throw new SpecException("trainLimit", "must be >= 0 (0 = the whole training set), got " + data.trainLimit());
        }
        if (!(data.inputStd() > 0) || !Double.isFinite(data.inputStd())) {
            throw new SpecException("inputStd", "must be a finite number > 0, got " + data.inputStd());
        }
        if (!Double.isFinite(data.inputMean())) {
            throw new SpecException("inputMean", "must be finite, got " + data.inputMean());
        }
        if (layers.isEmpty()) {
            throw new SpecException("layers", "at least one layer is required");
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerTypes.check(layers.get(i), i);
        }
        int last = layers.size() - 1;
        if (!"softmax".equals(layers.get(last).type())) {
            throw new SpecException("layers[" + last + "].type",
                    "the last layer must be softmax (class probabilities), got " + layers.get(last).type());
        }
        if (!oneOf(LOSSES, loss)) {
            throw new SpecException("loss", "'" + loss + "' is not supported; allowed: " + LOSSES);
        }
        if (optimizer == null || !oneOf(OPTIMIZERS, optimizer.name())) {
            throw new SpecException("optimizer", "'" + (optimizer == null ? null : optimizer.name())
                    + "' is not supported; allowed: " + new TreeSet<>(OPTIMIZERS));
        }
        positive("learningRate", optimizer.learningRate());
        unitInterval("momentum", optimizer.momentum());
        unitInterval("beta1", optimizer.beta1());
        unitInterval("beta2", optimizer.beta2());
        positive("epsilon", optimizer.epsilon());
        if (!oneOf(OptimizerSpec.SCHEDULES, optimizer.schedule())) {
            throw new SpecException("optimizer.schedule", "'" + optimizer.schedule() + "' is not supported; allowed: "
                    + new TreeSet<>(OptimizerSpec.SCHEDULES));
        }
        if (!(optimizer.decay() > 0 && optimizer.decay() <= 1)) {
            throw new SpecException("optimizer.decay", "must be in (0, 1], got " + optimizer.decay());
        }
        if (epochs < 1) {
            throw new SpecException("epochs", "must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new SpecException("batchSize", "must be >= 1, got " + batchSize);
        }
        if (threads < 1) {
            throw new SpecException("threads", "must be >= 1, got " + threads);
        }
        if (!Double.isNaN(minAccuracy) && !(minAccuracy >= 0 && minAccuracy <= 1)) {
            throw new SpecException("minAccuracy", "must be between 0 and 1 (e.g. 0.98), got " + minAccuracy);
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new SpecException("opset", "must be between " + MIN_OPSET + " and " + MAX_OPSET + ", got " + opset);
        }
        return this;
    }

    /** {@code Set.of(..).contains(null)} throws; a missing POM value is just not allowed. */
    private static boolean oneOf(Set<String> allowed, String v) {
        return v != null && allowed.contains(v);
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new SpecException("optimizer." + field, "must be a finite number > 0, got " + v);
        }
    }

    private static void unitInterval(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new SpecException("optimizer." + field, "must be in [0, 1), got " + v);
        }
    }

    /**
     * This spec without what cannot change the trained model (threads set to 1, no gate): what
     * is recorded inside the model, so the same model has the same bytes at any thread count.
     */
    public TrainingSpec modelOnly() {
        return new TrainingSpec(modelName, data, layers, loss, optimizer, epochs, batchSize, seed, 1, Double.NaN, opset);
    }

    public TrainingSpec withThreads(int t) {
        return new TrainingSpec(modelName, data, layers, loss, optimizer, epochs, batchSize, seed, t, minAccuracy, opset);
    }

    public TrainingSpec withEpochs(int e) {
        return new TrainingSpec(modelName, data, layers, loss, optimizer, e, batchSize, seed, threads, minAccuracy, opset);
    }

    public TrainingSpec withData(DataSpec d) {
        return new TrainingSpec(modelName, d, layers, loss, optimizer, epochs, batchSize, seed, threads, minAccuracy, opset);
    }

    public TrainingSpec withOptimizer(OptimizerSpec o) {
        return new TrainingSpec(modelName, data, layers, loss, o, epochs, batchSize, seed, threads, minAccuracy, opset);
    }

    /**
     * What determines the trained model, one {@code key=value} per line in sorted key order.
     * Threads and thresholds are left out: they never change the model's bytes.
     */
    public String canonicalModelText() {
        TreeMap<String, String> m = entries();
        m.remove("threads");
        m.remove("minAccuracy");
        return render(m);
    }

    /** SHA-256 of {@link #canonicalModelText()}, hex: the spec fingerprint. */
    public String fingerprint() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalModelText().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole spec as text; {@link #parse(String)} reads it back. */
    public String toText() {
        return render(entries());
    }

    private TreeMap<String, String> entries() {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("modelName", modelName);
        m.put("data.name", data.name());
        putIf(m, "data.trainImages", data.trainImages());
        putIf(m, "data.trainLabels", data.trainLabels());
        putIf(m, "data.testImages", data.testImages());
        putIf(m, "data.testLabels", data.testLabels());
        m.put("data.trainLimit", Integer.toString(data.trainLimit()));
        m.put("data.inputMean", Double.toString(data.inputMean()));
        m.put("data.inputStd", Double.toString(data.inputStd()));
        m.put("layers.count", Integer.toString(layers.size()));
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String p = String.format("layers.%03d.", i);
            m.put(p + "type", l.type());
            l.sortedParams().forEach((k, v) -> m.put(p + "param." + k, v));
        }
        m.put("loss", loss);
        m.put("optimizer.name", optimizer.name());
        m.put("optimizer.learningRate", Double.toString(optimizer.learningRate()));
        m.put("optimizer.momentum", Double.toString(optimizer.momentum()));
        m.put("optimizer.beta1", Double.toString(optimizer.beta1()));
        m.put("optimizer.beta2", Double.toString(optimizer.beta2()));
        m.put("optimizer.epsilon", Double.toString(optimizer.epsilon()));
        m.put("optimizer.schedule", optimizer.schedule());
        m.put("optimizer.decay", Double.toString(optimizer.decay()));
        m.put("epochs", Integer.toString(epochs));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("seed", Long.toString(seed));
        m.put("threads", Integer.toString(threads));
        m.put("minAccuracy", Double.toString(minAccuracy));
        m.put("opset", Integer.toString(opset));
        return m;
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String render(TreeMap<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append('=').append(escape(v)).append('\n'));
        return sb.toString();
    }

    private static String escape(String v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (i == 0 && c == ' ') {
                // Properties.load drops a value's leading blanks unless escaped
                sb.append("\\ ");
                continue;
            }
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '=' -> sb.append("\\=");
                case ':' -> sb.append("\\:");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Reads text written by {@link #toText()}. */
    public static TrainingSpec parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new SpecException("spec", "unreadable spec text: " + e.getMessage());
        }
        int count = intOf(p, "layers.count");
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = String.format("layers.%03d.", i);
            String paramPrefix = prefix + "param.";
            TreeMap<String, String> params = new TreeMap<>();
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith(paramPrefix)) {
                    params.put(k.substring(paramPrefix.length()), p.getProperty(k));
                }
            }
            layers.add(new LayerSpec(req(p, prefix + "type"), params));
        }
        DataSpec data = new DataSpec(req(p, "data.name"), p.getProperty("data.trainImages"),
                p.getProperty("data.trainLabels"), p.getProperty("data.testImages"),
                p.getProperty("data.testLabels"), intOf(p, "data.trainLimit"),
                dbl(p, "data.inputMean"), dbl(p, "data.inputStd"));
        OptimizerSpec opt = new OptimizerSpec(req(p, "optimizer.name"), dbl(p, "optimizer.learningRate"),
                dbl(p, "optimizer.momentum"), dbl(p, "optimizer.beta1"), dbl(p, "optimizer.beta2"),
                dbl(p, "optimizer.epsilon"), req(p, "optimizer.schedule"), dbl(p, "optimizer.decay"));
        return new TrainingSpec(req(p, "modelName"), data, layers, req(p, "loss"), opt,
                intOf(p, "epochs"), intOf(p, "batchSize"), longOf(p, "seed"),
                intOf(p, "threads"), dbl(p, "minAccuracy"), intOf(p, "opset"));
    }

    private static String req(Properties p, String k) {
        String v = p.getProperty(k);
        if (v == null) {
            throw new SpecException(k, "missing from the spec text");
        }
        return v;
    }

    private static int intOf(Properties p, String k) {
        try {
            return Integer.parseInt(req(p, k));
        } catch (NumberFormatException e) {
            throw new SpecException(k, "not an integer: " + p.getProperty(k));
        }
    }

    private static long longOf(Properties p, String k) {
        try {
            return Long.parseLong(req(p, k));
        } catch (NumberFormatException e) {
            throw new SpecException(k, "not an integer: " + p.getProperty(k));
        }
    }

    private static double dbl(Properties p, String k) {
        try {
            return Double.parseDouble(req(p, k));
        } catch (NumberFormatException e) {
            throw new SpecException(k, "not a number: " + p.getProperty(k));
        }
    }
}
