package dev.kiln.maven;

import dev.kiln.cli.TrainMain;
import dev.kiln.spec.SpecException;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns runtime errors into build errors that speak POM: a {@link SpecException} field such as
 * {@code layers[2].units} becomes {@code <layers>/<layer> #3 <units>}, with the user property
 * when there is one, so users know which element (or {@code -D} flag) to change.
 */
final class PomErrors {

    /** Fields that can also be set with a user property; the message names both. */
    private static final Map<String, String> USER_PROPERTIES = Map.ofEntries(
            Map.entry("dataset", "dl.dataset"),
            Map.entry("trainLimit", "dl.trainLimit"),
            Map.entry("optimizer.learningRate", "dl.learningRate"),
            Map.entry("epochs", "dl.epochs"),
            Map.entry("batchSize", "dl.batchSize"),
            Map.entry("seed", "dl.seed"),
            Map.entry("threads", "dl.threads"),
            Map.entry("minAccuracy", "dl.minAccuracy"),
            Map.entry("minClassAccuracy", "dl.minClassAccuracy"),
            Map.entry("model", "dl.model"),
            Map.entry("layout", "dl.layout"),
            Map.entry("scale", "dl.scale"),
            Map.entry("mean", "dl.mean"),
            Map.entry("std", "dl.std"),
            Map.entry("datasets", "dl.datasets"),
            Map.entry("jvm", "dl.jvm"),
            Map.entry("maxHeap", "dl.maxHeap"),
            Map.entry("baseline", "dl.baseline"),
            Map.entry("maxAccuracyDrop", "dl.maxAccuracyDrop"),
            Map.entry("resume", "dl.resume"));

    private static final Pattern LAYER_FIELD = Pattern.compile("layers\\[(\\d+)]\\.(\\w+)");

    /**
     * A spec error inside a line of the forked trainer's standard error, e.g.
     * {@code layers[2].units: must be a positive integer, got 0}, possibly after a prefix.
     */
    private static final Pattern CHILD_SPEC_ERROR = Pattern.compile(
            "(?:^|\\s)(layers\\[\\d+]\\.\\w+|layers|modelName|dataset|dataFiles|trainLimit|inputMean|inputStd"
                    + "|loss|optimizer(?:\\.\\w+)?|epochs|batchSize|seed|threads|minAccuracy|opset|data\\.\\w+): (.+)$");

    private PomErrors() {
    }

    /** The POM element(s) for a spec field, e.g. {@code <optimizer>/<learningRate> (-Ddl.learningRate)}. */
    static String pomElement(String field) {
        if (field == null || field.isBlank()) {
            return "configuration";
        }
        Matcher m = LAYER_FIELD.matcher(field);
        if (m.matches()) {
            return "<layers>/<layer> #" + (Integer.parseInt(m.group(1)) + 1) + " <" + m.group(2) + ">";
        }
        String element = switch (field) {
            case "dataFiles" -> "<trainImages>/<trainLabels>/<testImages>/<testLabels>";
            case "optimizer", "optimizer.name" -> "<optimizer>/<name>";
            case "data.name" -> "<dataset>";
            default -> {
                if (field.startsWith("optimizer.")) {
                    yield "<optimizer>/<" + field.substring("optimizer.".length()) + ">";
                }
                if (field.startsWith("data.")) {
                    yield "<" + field.substring("data.".length()) + ">";
                }
                yield "<" + field + ">";
            }
        };
        String key = "data.name".equals(field) ? "dataset" : field.startsWith("data.") ? field.substring(5) : field;
        String property = USER_PROPERTIES.get(key);
        return property == null ? element : element + " (-D" + property + ")";
    }

    /** {@code Invalid <element>: <what is wrong and what is allowed>}. */
    static String describe(String field, String problem) {
        return "Invalid " + pomElement(field) + ": " + problem;
    }

    /** The message of a {@link SpecException} without its {@code field: } prefix. */
    static String problem(SpecException e) {
        String msg = e.getMessage();
        String prefix = e.field() + ": ";
        return msg != null && msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
    }

    /**
     * A bad configuration: the build cannot run as configured. The SpecException is not kept as
     * the cause because Maven would append its raw {@code layers[2].units: ...} message again.
     */
    static MojoExecutionException invalid(SpecException e) {
        return new MojoExecutionException(describe(e.field(), problem(e)));
    }

    /** Finds a spec error in a line the forked trainer wrote and phrases it in POM terms. */
    static Optional<String> fromChildMessage(String line) {
        if (line == null) {
            return Optional.empty();
        }
        Matcher m = CHILD_SPEC_ERROR.matcher(line.trim());
        return m.find() ? Optional.of(describe(m.group(1), m.group(2).trim())) : Optional.empty();
    }

    /** Training stopped with non-finite numbers: the model, not the build, is broken. */
    static MojoFailureException diverged(String modelName, String reason, Throwable cause) {
        String r = reason == null || reason.isBlank() ? "(no message)" : reason.trim();
        // the runtime's message may already say "Training diverged ..." and how to fix it
        String msg = "Model '" + modelName + "': "
                + (r.toLowerCase(Locale.ROOT).startsWith("training diverged") ? r : "training diverged: " + r);
        if (!r.toLowerCase(Locale.ROOT).contains("learning rate") && !r.contains("learningRate")) {
            msg += (msg.endsWith(".") ? "" : ".")
                    + " Lower <optimizer>/<learningRate> (-Ddl.learningRate), or check <inputMean>/<inputStd>.";
        }
        MojoFailureException e = new MojoFailureException(msg);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /**
     * The heap check failed before training: says how to give the trainer more.
     *
     * @param reason  the runtime's message, with the estimate and the heap
     * @param maxHeap the {@code <maxHeap>} in use
     */
    static MojoExecutionException insufficientMemory(String modelName, String reason, String maxHeap) {
        String r = reason == null || reason.isBlank() ? "Not enough memory for training." : reason.trim();
        return new MojoExecutionException("Model '" + modelName + "': " + r + " Raise <maxHeap> (-Ddl.maxHeap, now "
                + maxHeap + ") or lower <batchSize> (-Ddl.batchSize); -Dkiln.memoryCheck=false in <jvmArgs> turns "
                + "the check off if the estimate is wrong.");
    }

    /**
     * The build error for a forked trainer that exited with {@code exitCode != 0}, following the
     * {@link dev.kiln.cli.TrainMain} contract: 2 bad spec or data, 3 diverged, 4 heap too small,
     * 5 unusable checkpoint, anything else a crash.
     *
     * @param stderr  the child's standard error, JVM noise already removed
     * @param maxHeap the heap it was given, for the out-of-memory hint
     */
    static Exception forkFailure(String modelName, int exitCode, List<String> stderr, String maxHeap) {
        return forkFailure(modelName, new ForkedTrainer.Outcome(exitCode, stderr), maxHeap);
    }

    /** As above, falling back to the child's last output lines when its standard error is empty. */
    static Exception forkFailure(String modelName, ForkedTrainer.Outcome outcome, String maxHeap) {
        int exitCode = outcome.exitCode();
        List<String> stderr = outcome.stderr().stream().anyMatch(l -> !l.isBlank()) ? outcome.stderr() : outcome.stdout();
        String reason = lastLine(stderr);
        switch (exitCode) {
            case 2: {
                Optional<String> spec = fromChildMessage(reason);
                return new MojoExecutionException(spec.orElseGet(() -> "Model '" + modelName
                        + "': configuration/data error: " + (reason.isEmpty() ? "(no message)" : reason)));
            }
            case 3:
                return diverged(modelName, reason, null);
            case TrainMain.EXIT_MEMORY:
                return insufficientMemory(modelName, reason, maxHeap);
            case TrainMain.EXIT_CHECKPOINT:
                return new MojoExecutionException("Model '" + modelName + "': " + (reason.isEmpty() ? "unusable checkpoint" : reason)
                        + " (resuming because of <resume> / -Ddl.resume)");
            default: {
                StringBuilder sb = new StringBuilder("Model '").append(modelName)
                        .append("': the forked trainer failed with exit code ").append(exitCode);
                if (stderr.stream().anyMatch(l -> l.contains("OutOfMemoryError"))) {
                    sb.append(": it ran out of memory; raise <maxHeap> (-Ddl.maxHeap, now ").append(maxHeap)
                            .append(") or lower <batchSize>");
                } else if (exitCode > 128) {
                    sb.append(" (killed by signal ").append(exitCode - 128).append(')');
                }
                if (!stderr.isEmpty()) {
                    // a crash prints a stack trace; the tail is where the cause is
                    List<String> tail = stderr.subList(Math.max(0, stderr.size() - 30), stderr.size());
                    sb.append(stderr == outcome.stderr() ? ". Its standard error:\n" : ". Its last output:\n")
                            .append(String.join("\n", tail));
                }
                return new MojoExecutionException(sb.toString());
            }
        }
    }

    private static String lastLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).trim();
            }
        }
        return "";
    }
}
