package dev.kiln.maven;

import dev.kiln.report.JUnitGates;
import dev.kiln.train.TrainingResult;

import org.apache.maven.plugin.MojoFailureException;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code <minAccuracy>} quality gate: a model below it fails the build the way a failing test
 * does ({@link MojoFailureException}), naming the model, both numbers and the file to inspect.
 */
final class AccuracyGate {

    private AccuracyGate() {
    }

    /**
     * @param minAccuracy required test accuracy, or NaN for no gate
     * @param model       the ONNX file, named in the message
     * @throws MojoFailureException when the test accuracy is below the gate (or not a number)
     */
    static void check(String modelName, TrainingResult result, double minAccuracy, Path model)
            throws MojoFailureException {
        if (Double.isNaN(minAccuracy)) {
            return;
        }
        double acc = result.testAccuracy();
        if (!(acc >= minAccuracy)) { // NaN accuracy fails too
            throw new MojoFailureException(failure(modelName, acc, minAccuracy, model));
        }
    }

    /** The message of a missed {@code <minAccuracy>}. */
    static String failure(String modelName, double acc, double minAccuracy, Path model) {
        return "Model '" + modelName + "' missed its accuracy gate: test accuracy "
                + accuracy(acc, minAccuracy) + " < minAccuracy " + plain(minAccuracy)
                + " (model: " + model.toAbsolutePath() + ")";
    }

    /**
     * Every gate of a model as JUnit test cases: {@code minAccuracy} (skipped when not set) and,
     * when {@code minClassAccuracy} is set, one per class.
     *
     * @param classAccuracies test accuracy per class (NaN for a class without test images, which passes)
     * @param minAccuracy      NaN for no overall gate
     * @param minClassAccuracy NaN for no per-class gate
     */
    static List<JUnitGates.Gate> gates(String modelName, double acc, double[] classAccuracies, double minAccuracy,
                                       double minClassAccuracy, Path model) {
        List<JUnitGates.Gate> gates = new ArrayList<>();
        if (Double.isNaN(minAccuracy)) {
            gates.add(JUnitGates.Gate.notConfigured("minAccuracy", acc, "no <minAccuracy> configured"));
        } else {
            gates.add(JUnitGates.Gate.atLeast("minAccuracy >= " + plain(minAccuracy), acc, minAccuracy,
                    failure(modelName, acc, minAccuracy, model)));
        }
        if (!Double.isNaN(minClassAccuracy)) {
            for (int c = 0; c < classAccuracies.length; c++) {
                double a = classAccuracies[c];
                String name = "class " + c + " accuracy >= " + plain(minClassAccuracy);
                gates.add(Double.isNaN(a)
                        ? JUnitGates.Gate.notConfigured(name, a, "class " + c + " has no test images")
                        : JUnitGates.Gate.atLeast(name, a, minClassAccuracy, "Model '" + modelName
                                + "' missed its per-class accuracy gate: class " + c + " test accuracy "
                                + accuracy(a, minClassAccuracy) + " < minClassAccuracy " + plain(minClassAccuracy)
                                + " (model: " + model.toAbsolutePath() + ")"));
            }
        }
        return gates;
    }

    /**
     * Fails the build when any gate failed, with every failed gate's message (one per line).
     *
     * @throws MojoFailureException as a failing test would
     */
    static void enforce(List<JUnitGates.Gate> gates) throws MojoFailureException {
        List<String> failed = gates.stream().filter(JUnitGates.Gate::failed).map(JUnitGates.Gate::message).toList();
        if (!failed.isEmpty()) {
            throw new MojoFailureException(String.join("\n", failed));
        }
    }

    /** The one-line summary logged after a freshly trained model passed (or had no gate). */
    static String summary(String modelName, TrainingResult result, double minAccuracy, Path model) {
        return summary(modelName, result, minAccuracy, model, true);
    }

    /**
     * The one-line summary logged after a model passed (or had no gate).
     *
     * @param trained {@code false} when an up-to-date model was reused and its recorded metrics gated
     */
    static String summary(String modelName, TrainingResult result, double minAccuracy, Path model, boolean trained) {
        String acc = accuracy(result.testAccuracy(), Double.NaN);
        String gate = Double.isNaN(minAccuracy) ? "no accuracy gate" : ">= minAccuracy " + plain(minAccuracy);
        return String.format(Locale.ROOT, "Model '%s' %s: test accuracy %s (%s), test loss %.4f, %d epoch%s -> %s",
                modelName, trained ? "trained" : "up to date, recorded", acc, gate, result.testLoss(), result.epochs().size(),
                result.epochs().size() == 1 ? "" : "s", model.toAbsolutePath());
    }

    /**
     * Four decimals, or more when four would round the accuracy up to the threshold and make the
     * failure message look like {@code 0.9800 < minAccuracy 0.98}.
     */
    static String accuracy(double acc, double threshold) {
        if (Double.isNaN(acc)) {
            return "NaN";
        }
        for (int digits = 4; digits <= 10; digits++) {
            String s = String.format(Locale.ROOT, "%." + digits + "f", acc);
            if (Double.isNaN(threshold) || acc >= threshold || Double.parseDouble(s) < threshold) {
                return s;
            }
        }
        return Double.toString(acc);
    }

    /** The threshold as the user wrote it: {@code 0.98}, not {@code 0.9800} or {@code 0.98000001}. */
    static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
