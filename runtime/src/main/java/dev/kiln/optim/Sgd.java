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
    private final float[][] velocity;
    /** One update body per parameter, built once (they read {@link #lr} when they run). */
    private final Parallel.RangeBody[] updates;
    private long steps;

    public Sgd(List<Parameter> params, Compute compute, double lr, double momentum) {
        this.params = List.copyOf(params);
        this.compute = compute;
        this.lr = (float) lr;
        this.momentum = (float) momentum;
        this.velocity = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            velocity[i] = new float[params.get(i).size()];
        }
        this.updates = new Parallel.RangeBody[params.size()];
        for (int i = 0; i < updates.length; i++) {
            Parameter p = this.params.get(i);
            float[] vel = velocity[i];
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
        java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            tensors.put("velocity/" + params.get(i).name(), velocity[i].clone());
        }
        return new OptimizerState("sgd", steps, tensors);
    }

    @Override
    public void importState(OptimizerState state) {
        if (!"sgd".equals(state.optimizer())) {
            throw new IllegalArgumentException("the state is " + state.optimizer() + "'s, not sgd's");
        }
        float[][] next = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            next[i] = state.tensor("velocity/" + params.get(i).name(), velocity[i].length);
        }
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(next[i], 0, velocity[i], 0, velocity[i].length);
        }
        steps = state.steps();
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
