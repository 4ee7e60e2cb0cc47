package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;
import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * Adam (Kingma and Ba), with bias correction folded into the step size and epsilon exactly as
 * PyTorch does it, so the same settings behave the same. One difference: moments below
 * {@link dev.kiln.kernels.Kernels#STATE_FLOOR} are stored as 0, where PyTorch keeps them
 * subnormal; what that drops is far below the last bit of any weight.
 */
public final class Adam implements Optimizer {

    private final List<Parameter> params;
    private final Compute compute;
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    /** The first and second moments of each parameter: kinds {@link #M} and {@link #V}. */
    private final ParameterBuffers moments;
    private static final int M = 0;
    private static final int V = 1;
    /** One update body per parameter, built once; they read the step's constants below. */
    private final Parallel.RangeBody[] updates;
    private float lrT;
    private float epsT;
    private long t;

    public Adam(List<Parameter> params, Compute compute, double lr, double beta1, double beta2, double eps) {
        this.params = List.copyOf(params);
        this.compute = compute;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.moments = new ParameterBuffers("adam", params, "m", "v");
        this.updates = new Parallel.RangeBody[params.size()];
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        for (int i = 0; i < updates.length; i++) {
            Parameter p = this.params.get(i);
            float[] mi = moments.get(M, i);
            float[] vi = moments.get(V, i);
            updates[i] = (from, to) -> compute.kernels().adam(p.value(), p.grad(), mi, vi, from, to, b1, b2,
                    this.lrT, this.epsT);
        }
    }

    @Override
    public void beginStep() {
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        lrT = (float) (lr * Math.sqrt(bc2) / bc1);
        epsT = (float) (eps * Math.sqrt(bc2));
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
        return moments.export(t);
    }

    @Override
    public void importState(OptimizerState state) {
        t = moments.restore(state);
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void learningRate(double rate) {
        this.lr = rate;
    }
}
