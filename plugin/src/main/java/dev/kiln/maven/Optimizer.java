package dev.kiln.maven;

import dev.kiln.spec.OptimizerSpec;

/**
 * The {@code <optimizer>} element:
 * <pre>{@code
 * <optimizer><name>sgd</name><learningRate>0.05</learningRate><momentum>0.9</momentum></optimizer>
 * }</pre>
 * Settings left out take the named optimizer's defaults ({@link OptimizerSpec#defaults(String)}).
 */
public class Optimizer {

    /** {@code adam} (default) or {@code sgd}. */
    private String name = "adam";

    /** Step size, {@code > 0}; Adam 0.001, SGD 0.01 when absent. */
    private Double learningRate;

    /** SGD momentum in {@code [0, 1)}; 0.9 when absent. */
    private Double momentum;

    /** Adam first-moment decay in {@code [0, 1)}; 0.9 when absent. */
    private Double beta1;

    /** Adam second-moment decay in {@code [0, 1)}; 0.999 when absent. */
    private Double beta2;

    /** Adam denominator guard, {@code > 0}; 1e-8 when absent. */
    private Double epsilon;

    /** Learning rate over the epochs: {@code constant} (default), {@code cosine} or {@code exponential}. */
    private String schedule;

    /** Per-epoch factor of the {@code exponential} schedule, in {@code (0, 1]}; 0.8 when absent. */
    private Double decay;

    /** For Maven, which fills the fields from the POM. */
    public Optimizer() {
    }

    /** For code and tests: the named optimizer with all defaults. */
    public Optimizer(String name) {
        this.name = name;
    }

    /** Sets the learning rate; returns this for chaining in tests. */
    public Optimizer learningRate(Double lr) {
        this.learningRate = lr;
        return this;
    }

    /** Sets the SGD momentum; returns this for chaining in tests. */
    public Optimizer momentum(Double m) {
        this.momentum = m;
        return this;
    }

    /** Sets the schedule and its decay; returns this for chaining in tests. */
    public Optimizer schedule(String s, Double d) {
        this.schedule = s;
        this.decay = d;
        return this;
    }

    /**
     * The runtime's optimizer settings.
     *
     * @param learningRateOverride {@code -Ddl.learningRate}, which beats the POM, or {@code null}
     */
    public OptimizerSpec toSpec(Double learningRateOverride) {
        String n = name == null ? null : name.trim();
        OptimizerSpec d = OptimizerSpec.defaults(n);
        Double lr = learningRateOverride != null ? learningRateOverride : learningRate;
        return new OptimizerSpec(n,
                lr != null ? lr : d.learningRate(),
                momentum != null ? momentum : d.momentum(),
                beta1 != null ? beta1 : d.beta1(),
                beta2 != null ? beta2 : d.beta2(),
                epsilon != null ? epsilon : d.epsilon(),
                schedule != null ? schedule.trim() : "constant",
                decay != null ? decay : OptimizerSpec.DEFAULT_DECAY);
    }
}
