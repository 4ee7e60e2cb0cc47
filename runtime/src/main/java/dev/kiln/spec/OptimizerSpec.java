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
 */
public record OptimizerSpec(String name, double learningRate, double momentum,
                            double beta1, double beta2, double epsilon) {

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
        return new OptimizerSpec(name, lr, momentum, beta1, beta2, epsilon);
    }
}
