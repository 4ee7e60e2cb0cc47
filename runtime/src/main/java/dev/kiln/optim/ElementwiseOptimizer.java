package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;
import dev.kiln.parallel.Parallel;

import java.util.List;
import java.util.function.IntFunction;

/**
 * What Adam and SGD share: state buffers beside each parameter ({@link ParameterBuffers}), a
 * step count checkpointed with them, and one element-wise update body per parameter, run over
 * the worker pool.
 */
abstract class ElementwiseOptimizer implements Optimizer {

    private final List<Parameter> params;
    private final Compute compute;
    private final ParameterBuffers buffers;
    /** One update body per parameter, built once ({@link #setUpdates}), so a step allocates nothing. */
    private Parallel.RangeBody[] updates;
    private long steps;

    /**
     * @param name  the optimizer's spec name, which its checkpointed state carries
     * @param kinds the kinds of state buffer kept beside each parameter
     */
    ElementwiseOptimizer(String name, List<Parameter> params, Compute compute, String... kinds) {
        this.params = List.copyOf(params);
        this.compute = compute;
        this.buffers = new ParameterBuffers(name, this.params, kinds);
    }

    /**
     * Sets each parameter's update body, {@code body.apply(i)} for parameter {@code i}. Called once
     * by the subclass's constructor, after the fields its bodies read are set.
     */
    final void setUpdates(IntFunction<Parallel.RangeBody> body) {
        Parallel.RangeBody[] made = new Parallel.RangeBody[params.size()];
        for (int i = 0; i < made.length; i++) {
            made[i] = body.apply(i);
        }
        updates = made;
    }

    final Parameter parameter(int i) {
        return params.get(i);
    }

    /** Parameter {@code i}'s state buffer of kind {@code kind} (an index into the kinds given). */
    final float[] buffer(int kind, int i) {
        return buffers.get(kind, i);
    }

    /** Steps begun so far, including the current one; restored from a checkpoint. */
    final long steps() {
        return steps;
    }

    @Override
    public void beginStep() {
        steps++;
    }

    @Override
    public final void update(int from, int to) {
        for (int i = from; i < to; i++) {
            compute.elementwise(params.get(i).size(), updates[i]);
        }
    }

    @Override
    public final int parameterCount() {
        return params.size();
    }

    @Override
    public final OptimizerState exportState() {
        return buffers.export(steps);
    }

    @Override
    public final void importState(OptimizerState state) {
        steps = buffers.restore(state);
    }
}
