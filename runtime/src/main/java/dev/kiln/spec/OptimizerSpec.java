package dev.kiln.spec;

/**
 * The optimizer and its settings.
 *
 * @param name         {@code adam} or {@code sgd}
 * @param learningRate step size; {@code > 0}
 * @param momentum     SGD momentum in {@code [0, 1)}; ignored by Adam
 * @param beta1        Adam first-moment decay in {@code [0, 1)}
 * @param beta2        Adam second-moment decay in {@code [0, 1)}
 * @param epsilon      Adam denominator guard; {@code > 0}
 * @param schedule     learning rate over the epochs: {@code constant}, {@code cosine} (from the
 *                     rate down towards 0 by the last epoch) or {@code exponential}
 * @param decay        per-epoch factor of the {@code exponential} schedule, in {@code (0, 1]}
 */
public record OptimizerSpec(String name, double learningRate, double momentum,
                            double beta1, double beta2, double epsilon, String schedule, double decay) {

    /** Schedules {@link #rateAt} knows. */
    public static final java.util.Set<String> SCHEDULES = java.util.Set.of("constant", "cosine", "exponential");

    /** Decay of the {@code exponential} schedule when none is configured. */
    public static final double DEFAULT_DECAY = 0.8;

    /** Settings without a schedule: the rate stays constant. */
    public OptimizerSpec(String name, double learningRate, double momentum, double beta1, double beta2,
                         double epsilon) {
        this(name, learningRate, momentum, beta1, beta2, epsilon, "constant", DEFAULT_DECAY);
    }

    /** The learning rate for 1-based {@code epoch} of {@code epochs}. */
    public double rateAt(int epoch, int epochs) {
        return switch (schedule) {
            case "cosine" -> learningRate * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / epochs));
            case "exponential" -> learningRate * Math.pow(decay, epoch - 1);
            default -> learningRate;
        };
    }

    public OptimizerSpec withSchedule(String s, double d) {
        return new OptimizerSpec(name, learningRate, momentum, beta1, beta2, epsilon, s, d);
    }

    /** Adam with the usual defaults: learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-8. */
    public static OptimizerSpec adam() {
        return new OptimizerSpec("adam", 0.001, 0.0, 0.9, 0.999, 1e-8);
    }

    /** SGD with momentum 0.9 and learning rate 0.01. */
    public static OptimizerSpec sgd() {
        return new OptimizerSpec("sgd", 0.01, 0.9, 0.9, 0.999, 1e-8);
    }

    /** Defaults for a named optimizer; unknown names are reported by {@link TrainingSpec#validate()}. */
    public static OptimizerSpec defaults(String name) {
        return "sgd".equals(name) ? sgd() : new OptimizerSpec(name, 0.001, 0.0, 0.9, 0.999, 1e-8);
    }

    public OptimizerSpec withLearningRate(double lr) {
        return new OptimizerSpec(name, lr, momentum, beta1, beta2, epsilon, schedule, decay);
    }
}
