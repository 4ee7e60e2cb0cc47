package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * Stochastic gradient descent with (heavy-ball) momentum, PyTorch's formulation, except that a velocity
 * below {@link dev.kiln.kernels.Kernels#STATE_FLOOR} is stored as 0 where PyTorch keeps it subnormal.
 */
public final class Sgd implements Optimizer {

    private final List<Parameter> params;
    private final Compute compute;
    private float lr;
    private final float momentum;
    /** Each parameter's velocity, the buffers' only kind. */
    private final ParameterBuffers velocity;
    /** One update body per parameter, built once (they read {@link #lr} when they run). */
    private final Parallel.RangeBody[] updates;
    private long steps;

    public Sgd(List<Parameter> params, Compute compute, double lr, double momentum) {
        this.params = List.copyOf(params);
        this.compute = compute;
        this.lr = (float) lr;
        this.momentum = (float) momentum;
        this.velocity = new ParameterBuffers("sgd", params, "velocity");
        this.updates = new Parallel.RangeBody[params.size()];
        for (int i = 0; i < updates.length; i++) {
            Parameter p = this.params.get(i);
            float[] vel = velocity.get(0, i);
            updates[i] = (from, to) -> compute.kernels().sgd(p.value(), p.grad(), vel, from, to, this.lr, this.momentum);
        }
    }

    @Override
    public void beginStep() {
        steps++;
    }

    @Override
    public void update(int from, int to) {
        for (int i = from; i < to; i++) {
            compute.elementwise(params.get(i).size(), updates[i]);
        }
    }

    @Override
    public int parameterCount() {
        return params.size();
    }

    @Override
    public OptimizerState exportState() {
        return velocity.export(steps);
    }

    @Override
    public void importState(OptimizerState state) {
        steps = velocity.restore(state);
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
