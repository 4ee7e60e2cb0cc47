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
    private final float[][] m;
    private final float[][] v;
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
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).size()];
            v[i] = new float[params.get(i).size()];
        }
        this.updates = new Parallel.RangeBody[params.size()];
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        for (int i = 0; i < updates.length; i++) {
            Parameter p = this.params.get(i);
            float[] mi = m[i];
            float[] vi = v[i];
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
        java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            tensors.put("m/" + params.get(i).name(), m[i].clone());
            tensors.put("v/" + params.get(i).name(), v[i].clone());
        }
        return new OptimizerState("adam", t, tensors);
    }

    @Override
    public void importState(OptimizerState state) {
        if (!"adam".equals(state.optimizer())) {
            throw new IllegalArgumentException("the state is " + state.optimizer() + "'s, not adam's");
        }
        // checked in full before anything is copied, so a bad state leaves this optimizer as it was
        float[][] newM = new float[params.size()][];
        float[][] newV = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            newM[i] = state.tensor("m/" + params.get(i).name(), m[i].length);
            newV[i] = state.tensor("v/" + params.get(i).name(), v[i].length);
        }
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(newM[i], 0, m[i], 0, m[i].length);
            System.arraycopy(newV[i], 0, v[i], 0, v[i].length);
        }
        t = state.steps();
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
