package dev.kiln.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded fuzzing of the spec parser and validators: for thousands of random and mutated inputs
 * the only exception is {@link SpecException} (never NumberFormatException, NPE,
 * IndexOutOfBounds...), nothing hangs, and every spec that validates survives
 * {@code toText()}/{@code parse()} unchanged. {@code -Dkiln.fuzz.seed=N} replays another seed.
 */
class SpecFuzzTest {

    private static final long SEED = Long.getLong("kiln.fuzz.seed", 20260401L);
    private static final int CASES = Integer.getInteger("kiln.fuzz.cases", 3000);

    /** Values that have broken parsers before: empty, signs, overflow, non-finite, junk, escapes. */
    private static final String[] VALUES = {"", " ", "0", "1", "-1", "3", "16", "2147483647", "2147483648",
        "-2147483649", "9223372036854775808", "99999999999999999999", "NaN", "Infinity", "-Infinity", "1e400",
        "-0", "0.5", "1.0", "1.5", "0x10", "abc", "null", "true", "false", "3x3", "3x", "x3", "x", "3x3x3", "0x0",
        "2x-1", " 3 x 3 ", "same", "valid", "he", "xavier", "adam", "sgd", "cosine", "exponential", "constant",
        "crossEntropy", "softmax", "dense", "\\", "\\u00zz", "\\u", "=", ":", "#", "!", "\u00e9\u20ac", "\ud800",
        "\t", "\n", "a=b", "1,5", "+3", "3.", ".5", "1e-45", "4.9e-324", "1.7976931348623157E309"};

    private static final String[] TYPES = {"dense", "relu", "softmax", "leakyRelu", "tanh", "sigmoid", "dropout",
        "dropConnect", "batchNorm", "conv2d", "maxPool2d", "avgPool2d", "globalAvgPool", "flatten", "", " ", "Dense",
        "conv", "relu ", "\u00e9"};

    private static final String[] PARAMS = {"units", "init", "alpha", "rate", "momentum", "epsilon", "filters",
        "kernel", "stride", "padding", "bias", "size", "x", "", "units "};

    private static List<TrainingSpec> seeds() {
        DataSpec own = new DataSpec("own data", "/d/train images", "/d/train-labels", "/d/t10k:images", "/d/t10k=labels",
                100, 0.1307, 0.3081);
        return List.of(
                new TrainingSpec("mnist-mlp", DataSpec.catalog("mnist"), List.of(LayerSpec.of("dense", "units", "64"),
                        LayerSpec.of("relu"), LayerSpec.of("dense", "units", "10"), LayerSpec.of("softmax")),
                        "crossEntropy", OptimizerSpec.adam(), 3, 50, 42, 2, 0.98, 13),
                new TrainingSpec("cnn", own, List.of(
                        LayerSpec.of("conv2d", "filters", "8", "kernel", "3x5", "stride", "1", "padding", "same"),
                        LayerSpec.of("batchNorm", "momentum", "0.2", "epsilon", "1e-3"), LayerSpec.of("leakyRelu", "alpha", "0.1"),
                        LayerSpec.of("maxPool2d", "size", "2", "padding", "1"), LayerSpec.of("avgPool2d", "size", "2x1"),
                        LayerSpec.of("dropout", "rate", "0.25"), LayerSpec.of("globalAvgPool"), LayerSpec.of("flatten"),
                        LayerSpec.of("dropConnect", "units", "10", "rate", "0.1", "init", "xavier"), LayerSpec.of("softmax")),
                        "crossEntropy", OptimizerSpec.sgd().withSchedule("exponential", 0.9), 1, 1, -7, 1, Double.NaN, 21));
    }

    @Test
    void mutatedSpecTextsOnlyEverThrowSpecException() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<String> texts = seeds().stream().map(TrainingSpec::toText).toList();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int i = 0; i < CASES; i++) {
                String text = mutate(texts.get(rnd.nextInt(texts.size())), rnd);
                int c = i;
                check(() -> "case " + c + " (seed " + SEED + "):\n" + text, () -> {
                    TrainingSpec s = TrainingSpec.parse(text);
                    s.validate();
                    TrainingSpec back = TrainingSpec.parse(s.toText());
                    assertEquals(s, back, "a valid spec survives toText/parse");
                    assertEquals(s.fingerprint(), back.fingerprint());
                });
            }
        });
    }

    @Test
    void randomLayersOnlyEverThrowSpecException() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < CASES; i++) {
                Map<String, String> params = new HashMap<>();
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    params.put(PARAMS[rnd.nextInt(PARAMS.length)], VALUES[rnd.nextInt(VALUES.length)]);
                }
                String type = rnd.nextInt(10) == 0 ? null : TYPES[rnd.nextInt(TYPES.length)];
                LayerSpec l = new LayerSpec(type, params);
                int index = rnd.nextInt(5);
                check(() -> "layer " + l, () -> LayerTypes.check(l, index));
            }
        });
    }

    @Test
    void specsWithMissingPartsOnlyEverThrowSpecException() {
        // what a POM with empty elements hands over: one or two fields of a valid spec null or odd,
        // so that every check is reached (several bad fields at once would stop at the first)
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        for (int i = 0; i < CASES; i++) {
            TrainingSpec s = seeds().get(rnd.nextInt(2));
            for (int edits = 1 + rnd.nextInt(2); edits > 0; edits--) {
                s = edit(s, rnd);
            }
            TrainingSpec input = s;
            check(input::toString, input::validate);
        }
    }

    private static TrainingSpec edit(TrainingSpec s, SplittableRandom rnd) {
        OptimizerSpec o = s.optimizer() == null ? OptimizerSpec.adam() : s.optimizer();
        DataSpec d = s.data() == null ? DataSpec.catalog("mnist") : s.data();
        String str = pick(rnd, null, "", " ", "x y", "../up");
        return switch (rnd.nextInt(20)) {
            case 0 -> new TrainingSpec(str, d, s.layers(), s.loss(), o, s.epochs(), s.batchSize(), s.seed(), s.threads(),
                    s.minAccuracy(), s.opset());
            case 1 -> new TrainingSpec(s.modelName(), null, s.layers(), s.loss(), o, s.epochs(), s.batchSize(), s.seed(),
                    s.threads(), s.minAccuracy(), s.opset());
            case 2 -> s.withData(new DataSpec(str, d.trainImages(), d.trainLabels(), d.testImages(), d.testLabels(),
                    d.trainLimit(), d.inputMean(), d.inputStd()));
            case 3 -> s.withData(new DataSpec(d.name(), pick(rnd, null, "", "/a"), pick(rnd, null, "/b"), d.testImages(),
                    pick(rnd, null, "/d"), d.trainLimit(), d.inputMean(), d.inputStd()));
            case 4 -> s.withData(new DataSpec(d.name(), d.trainImages(), d.trainLabels(), d.testImages(), d.testLabels(),
                    rnd.nextInt(5) - 2, num(rnd, d.inputMean()), num(rnd, d.inputStd())));
            case 5 -> new TrainingSpec(s.modelName(), d, s.layers(), str, o, s.epochs(), s.batchSize(), s.seed(),
                    s.threads(), s.minAccuracy(), s.opset());
            case 6 -> s.withOptimizer(null);
            case 7 -> s.withOptimizer(new OptimizerSpec(str, o.learningRate(), o.momentum(), o.beta1(), o.beta2(),
                    o.epsilon(), o.schedule(), o.decay()));
            case 8 -> s.withOptimizer(new OptimizerSpec(o.name(), num(rnd, o.learningRate()), num(rnd, o.momentum()),
                    num(rnd, o.beta1()), num(rnd, o.beta2()), num(rnd, o.epsilon()), o.schedule(), num(rnd, o.decay())));
            case 9 -> s.withOptimizer(o.withSchedule(str, num(rnd, o.decay())));
            case 10 -> {
                List<LayerSpec> layers = new ArrayList<>(s.layers());
                if (layers.isEmpty()) {
                    layers.add(LayerSpec.of("softmax"));
                }
                layers.set(rnd.nextInt(layers.size()), new LayerSpec(pick(rnd, null, "", "dense", "softmax", "conv2d"), null));
                yield new TrainingSpec(s.modelName(), d, layers, s.loss(), o, s.epochs(), s.batchSize(), s.seed(),
                        s.threads(), s.minAccuracy(), s.opset());
            }
            case 11 -> new TrainingSpec(s.modelName(), d, List.of(), s.loss(), o, s.epochs(), s.batchSize(), s.seed(),
                    s.threads(), s.minAccuracy(), s.opset());
            case 12 -> s.withEpochs(rnd.nextInt(3) - 1);
            case 13 -> s.withThreads(rnd.nextInt(3) - 1);
            case 14 -> new TrainingSpec(s.modelName(), d, s.layers(), s.loss(), o, s.epochs(), rnd.nextInt(3) - 1,
                    s.seed(), s.threads(), s.minAccuracy(), s.opset());
            case 15 -> new TrainingSpec(s.modelName(), d, s.layers(), s.loss(), o, s.epochs(), s.batchSize(), s.seed(),
                    s.threads(), num(rnd, 2), s.opset());
            case 16 -> new TrainingSpec(s.modelName(), d, s.layers(), s.loss(), o, s.epochs(), s.batchSize(), s.seed(),
                    s.threads(), s.minAccuracy(), rnd.nextInt(30));
            default -> s;
        };
    }

    @Test
    void everyValidSpecSurvivesTheSpecFileUnchanged() {
        // the plugin writes the spec, the forked trainer parses it: a difference would change the
        // fingerprint between the two (and so the up-to-date check and resume)
        SplittableRandom rnd = new SplittableRandom(SEED + 3);
        for (int i = 0; i < CASES; i++) {
            TrainingSpec base = seeds().get(rnd.nextInt(2));
            String junk = VALUES[rnd.nextInt(VALUES.length)];
            String text = rnd.nextBoolean() ? " " + junk : junk + (rnd.nextBoolean() ? " " : "\\");
            DataSpec d = base.data();
            TrainingSpec s = switch (rnd.nextInt(3)) {
                case 0 -> base.withData(new DataSpec(text, d.trainImages(), d.trainLabels(), d.testImages(),
                        d.testLabels(), d.trainLimit(), d.inputMean(), d.inputStd()));
                case 1 -> base.withData(new DataSpec("own", text, text, text, text, 0, 0, 1));
                default -> {
                    List<LayerSpec> layers = new ArrayList<>(base.layers());
                    layers.set(0, LayerSpec.of("dense", "units", rnd.nextBoolean() ? " 16" : "16 "));
                    yield new TrainingSpec(base.modelName(), d, layers, base.loss(), base.optimizer(), base.epochs(),
                            base.batchSize(), base.seed(), base.threads(), base.minAccuracy(), base.opset());
                }
            };
            TrainingSpec input = s;
            check(input::toString, () -> {
                input.validate();
                TrainingSpec back = TrainingSpec.parse(input.toText());
                assertEquals(input, back);
                assertEquals(input.fingerprint(), back.fingerprint());
            });
        }
    }

    /** Runs {@code body}; anything thrown but a SpecException fails with the input. */
    private static void check(Supplier<String> input, ThrowingRunnable body) {
        try {
            body.run();
        } catch (SpecException expected) {
            // the one allowed failure
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + input.get(), e);
        } catch (Throwable t) {
            AssertionError e = new AssertionError(t + " for " + input.get());
            e.initCause(t);
            throw e;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Throwable;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rnd, T... choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    private static double num(SplittableRandom rnd, double usual) {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.NaN;
            case 1 -> -1;
            case 2 -> Double.POSITIVE_INFINITY;
            case 3 -> 0;
            default -> usual;
        };
    }

    /** One to four random edits of a spec text, by line or by character. */
    static String mutate(String text, SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        for (int edits = 1 + rnd.nextInt(4); edits > 0; edits--) {
            int at = rnd.nextInt(lines.size());
            String line = lines.get(at);
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            switch (rnd.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2, 3, 4 -> lines.set(at, key + "=" + VALUES[rnd.nextInt(VALUES.length)]);
                case 5 -> lines.add(at, "layers.count=" + VALUES[rnd.nextInt(VALUES.length)]);
                case 6 -> lines.add(at, String.format("layers.%03d.", rnd.nextInt(20))
                        + (rnd.nextBoolean() ? "type=" + TYPES[rnd.nextInt(TYPES.length)]
                        : "param." + PARAMS[rnd.nextInt(PARAMS.length)] + "=" + VALUES[rnd.nextInt(VALUES.length)]));
                case 7 -> {
                    // a character-level edit: insert, drop or replace one char
                    StringBuilder sb = new StringBuilder(line);
                    int pos = sb.length() == 0 ? 0 : rnd.nextInt(sb.length());
                    char c = (char) (rnd.nextBoolean() ? 32 + rnd.nextInt(95) : rnd.nextInt(0x3000));
                    switch (rnd.nextInt(3)) {
                        case 0 -> sb.insert(pos, c);
                        case 1 -> {
                            if (sb.length() > 0) {
                                sb.deleteCharAt(pos);
                            }
                        }
                        default -> {
                            if (sb.length() > 0) {
                                sb.setCharAt(pos, c);
                            }
                        }
                    }
                    lines.set(at, sb.toString());
                }
                default -> {
                    // truncate the whole text, as a torn spec file would be
                    String joined = String.join("\n", lines);
                    return joined.substring(0, rnd.nextInt(joined.length() + 1));
                }
            }
            if (lines.isEmpty()) {
                return "";
            }
        }
        return String.join("\n", lines) + "\n";
    }

    @Test
    void mutationsReachEveryField() {
        // guards the fuzzer itself: the mutated texts must actually vary the keys the parser reads
        SplittableRandom rnd = new SplittableRandom(SEED);
        String text = seeds().get(0).toText();
        TreeMap<String, Integer> changed = new TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            String m = mutate(text, rnd);
            for (String line : m.split("\n")) {
                if (!text.contains(line + "\n")) {
                    int eq = line.indexOf('=');
                    changed.merge(eq < 0 ? line : line.substring(0, eq), 1, Integer::sum);
                }
            }
        }
        for (String line : text.split("\n")) {
            String key = line.substring(0, line.indexOf('='));
            if (!changed.containsKey(key)) {
                fail("never mutated: " + key);
            }
        }
    }
}
