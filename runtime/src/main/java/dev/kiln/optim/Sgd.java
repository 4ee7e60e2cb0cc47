package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;

import java.util.List;

/**
 * Stochastic gradient descent with (heavy-ball) momentum, PyTorch's formulation, except that a velocity
 * below {@link dev.kiln.kernels.Kernels#STATE_FLOOR} is stored as 0 where PyTorch keeps it subnormal.
 */
public final class Sgd extends ElementwiseOptimizer {

    private float lr;
    private final float momentum;
    /** The state buffers' only kind. */
    private static final int VELOCITY = 0;

    public Sgd(List<Parameter> params, Compute compute, double lr, double momentum) {
        super("sgd", params, compute, "velocity");
        this.lr = (float) lr;
        this.momentum = (float) momentum;
        // the bodies read lr when they run: the schedule changes it between epochs
        setUpdates(i -> {
            Parameter p = parameter(i);
            float[] vel = buffer(VELOCITY, i);
            return (from, to) -> compute.kernels().sgd(p.value(), p.grad(), vel, from, to, this.lr, this.momentum);
        });
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void learningRate(double rate) {
        this.lr = (float) rate;
    }
}
