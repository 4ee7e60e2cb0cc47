package dev.kiln.optim;

import dev.kiln.nn.Compute;
import dev.kiln.nn.Parameter;

import java.util.List;

/**
 * Adam (Kingma and Ba), with bias correction folded into the step size and epsilon exactly as
 * PyTorch does it, so the same settings behave the same. One difference: moments below
 * {@link dev.kiln.kernels.Kernels#STATE_FLOOR} are stored as 0, where PyTorch keeps them
 * subnormal; what that drops is far below the last bit of any weight.
 */
public final class Adam extends ElementwiseOptimizer {

    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    /** The state buffers' kinds: the first and second moments. */
    private static final int M = 0;
    private static final int V = 1;
    /** This step's step size and epsilon, bias correction folded in; the update bodies read them. */
    private float lrT;
    private float epsT;

    public Adam(List<Parameter> params, Compute compute, double lr, double beta1, double beta2, double eps) {
        super("adam", params, compute, "m", "v");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        setUpdates(i -> {
            Parameter p = parameter(i);
            float[] mi = buffer(M, i);
            float[] vi = buffer(V, i);
            return (from, to) -> compute.kernels().adam(p.value(), p.grad(), mi, vi, from, to, b1, b2, this.lrT,
                    this.epsT);
        });
    }

    @Override
    public void beginStep() {
        super.beginStep();
        double bc1 = 1 - Math.pow(beta1, steps());
        double bc2 = 1 - Math.pow(beta2, steps());
        lrT = (float) (lr * Math.sqrt(bc2) / bc1);
        epsT = (float) (eps * Math.sqrt(bc2));
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
