package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;
import dev.kiln.spec.OptimizerSpec;

import java.util.List;

/** Updates parameters from their gradients after each batch. */
public interface Optimizer {

    /** Applies one step to every parameter, using its current gradient. */
    default void step() {
        beginStep();
        update(0, parameterCount());
    }

    /**
     * Starts a step (Adam advances the step count its bias correction uses); {@link #update} then
     * applies it to each parameter once, in any order. Splitting a step this way gives the same
     * bits as {@link #step()}: every element's update depends only on its own state.
     */
    void beginStep();

    /**
     * Applies the step begun by {@link #beginStep()} to parameters {@code [from, to)}, indices into
     * the list this optimizer was made over, using their current gradients. The trainer calls it
     * for a layer's parameters as soon as that layer's backward pass is done, while its weights
     * and gradients are still in cache.
     */
    void update(int from, int to);

    /** How many parameters (tensors) this optimizer updates. */
    int parameterCount();

    /** The learning rate in use. */
    double learningRate();

    /** Sets the learning rate for the following steps (the schedule calls this each epoch). */
    void learningRate(double rate);

    /**
     * A copy of everything the next steps depend on besides the parameters and the learning rate
     * (which the schedule sets each epoch), for a checkpoint.
     */
    OptimizerState exportState();

    /**
     * Restores state {@link #exportState()} produced for the same parameters.
     *
     * @throws IllegalArgumentException when it belongs to another optimizer or other parameters
     */
    void importState(OptimizerState state);

    /** The optimizer a spec names, over the given parameters. */
    static Optimizer create(OptimizerSpec spec, List<Parameter> params, Compute compute) {
        return switch (spec.name()) {
            case "adam" -> new Adam(params, compute, spec.learningRate(), spec.beta1(), spec.beta2(), spec.epsilon());
            case "sgd" -> new Sgd(params, compute, spec.learningRate(), spec.momentum());
            default -> throw new IllegalArgumentException("unknown optimizer " + spec.name());
        };
    }
}
