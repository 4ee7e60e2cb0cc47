package dev.kiln.nn;

import dev.kiln.parallel.Parallel;

import java.util.List;

/**
 * Batch normalization per feature (input {@code {n}}) or per channel (input {@code {C,H,W}}:
 * statistics over batch × H × W), followed by a learned scale {@code gamma} (starts at 1) and
 * shift {@code beta} (starts at 0).
 *
 * <p>Training forwards normalize with the batch's mean and biased variance and update the
 * running statistics PyTorch's way: {@code running = (1-momentum)·running + momentum·batch},
 * with the unbiased variance. Inference uses the running statistics only. The running mean and
 * variance are {@link #state()}: exported and read back, never optimized. With a single value
 * per channel in a batch the unbiased variance is undefined, so that batch leaves the running
 * variance alone.
 */
public final class BatchNorm implements Layer {

    private final Compute compute;
    private final int[] shape;
    private final int channels;
    private final int spatial;
    private final float momentum;
    private final float epsilon;
    private final boolean inputGrad;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    // Per-channel working arrays: statistics used by the last forward and backward coefficients.
    private final float[] mean;
    private final float[] var;
    private final float[] invStd;
    private final float[] scale;
    private final float[] shift;
    private final float[] meanDy;
    private final float[] meanDyXhat;
    private boolean lastTraining;

    private float[] input;
    private float[] output = new float[0];
    private float[] gradIn = new float[0];
    /** The batch size and output gradient of the current call, read by the bodies below. */
    private int batch;
    private float[] dy;
    // Built once: a lambda capturing the call's arrays would be a new object every batch.
    private final Parallel.RangeBody statisticsBody = this::statistics;
    private final Parallel.RangeBody affineBody = this::affine;
    private final Parallel.RangeBody gradSumsBody = this::gradSums;
    private final Parallel.RangeBody inputGradBody = this::inputGradRows;

    /**
     * @param name      parameter name prefix, e.g. {@code layer1_batchNorm}
     * @param shape     per-sample input shape: {@code {n}} or {@code {C, ...}} (channel first)
     * @param momentum  weight of the batch statistics in the running update, in {@code [0, 1]}
     * @param epsilon   added to the variance before the square root
     * @param inputGrad whether {@link #backward} must compute the input gradient
     */
    public BatchNorm(Compute compute, String name, int[] shape, float momentum, float epsilon, boolean inputGrad) {
        this.compute = compute;
        this.shape = shape.clone();
        this.channels = shape[0];
        this.spatial = Layer.size(shape) / channels;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.inputGrad = inputGrad;
        this.gamma = Parameter.of(name + ".weight", channels);
        this.beta = Parameter.of(name + ".bias", channels);
        this.runningMean = Parameter.of(name + ".running_mean", channels);
        this.runningVar = Parameter.of(name + ".running_var", channels);
        java.util.Arrays.fill(gamma.value(), 1f);
        java.util.Arrays.fill(runningVar.value(), 1f);
        mean = new float[channels];
        var = new float[channels];
        invStd = new float[channels];
        scale = new float[channels];
        shift = new float[channels];
        meanDy = new float[channels];
        meanDyXhat = new float[channels];
    }

    /** Number of normalized channels (features for a flat input). */
    public int channels() {
        return channels;
    }

    public float epsilon() {
        return epsilon;
    }

    public float momentum() {
        return momentum;
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }

    @Override
    public String type() {
        return "batchNorm";
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public float[] forward(float[] x, int batch, boolean training) {
        input = x;
        this.batch = batch;
        lastTraining = training;
        float[] g = gamma.value();
        float[] b = beta.value();
        if (training) {
            // Channels are independent reductions; a whole channel is always one call, so the
            // statistics do not depend on the thread count.
            compute.parallel().forRange(channels, spatial == 1 ? 64 : 1, statisticsBody);
            long m = (long) batch * spatial;
            float[] rm = runningMean.value();
            float[] rv = runningVar.value();
            for (int c = 0; c < channels; c++) {
                rm[c] = (1f - momentum) * rm[c] + momentum * mean[c];
                if (m > 1) {
                    rv[c] = (1f - momentum) * rv[c] + momentum * (float) (var[c] * ((double) m / (m - 1)));
                }
            }
        } else {
            System.arraycopy(runningMean.value(), 0, mean, 0, channels);
            System.arraycopy(runningVar.value(), 0, var, 0, channels);
        }
        for (int c = 0; c < channels; c++) {
            invStd[c] = (float) (1.0 / Math.sqrt((double) var[c] + epsilon));
            scale[c] = g[c] * invStd[c];
            shift[c] = b[c] - mean[c] * scale[c];
        }
        if (output.length < batch * channels * spatial) {
            output = new float[batch * channels * spatial];
        }
        compute.rows(batch, affineBody);
        return output;
    }

    private void statistics(int from, int to) {
        compute.kernels().channelMeanVar(input, batch, channels, spatial, from, to, mean, var);
    }

    private void affine(int from, int to) {
        compute.kernels().channelAffine(input, output, channels, spatial, from, to, scale, shift);
    }

    /**
     * After a training forward, the full batch-statistics gradient; after an inference forward,
     * the gradient with the running statistics held constant.
     */
    @Override
    public float[] backward(float[] dy, int batch) {
        this.dy = dy;
        this.batch = batch;
        float[] dGamma = gamma.grad();
        float[] dBeta = beta.grad();
        compute.parallel().forRange(channels, spatial == 1 ? 64 : 1, gradSumsBody);
        if (!inputGrad) {
            return null;
        }
        float inv = 1f / ((float) batch * spatial);
        for (int c = 0; c < channels; c++) {
            // Batch statistics depend on x: their gradient contributes the two mean terms.
            meanDy[c] = lastTraining ? dBeta[c] * inv : 0f;
            meanDyXhat[c] = lastTraining ? dGamma[c] * inv : 0f;
        }
        int n = batch * channels * spatial;
        if (gradIn.length < n) {
            gradIn = new float[n];
        }
        compute.rows(batch, inputGradBody);
        return gradIn;
    }

    private void gradSums(int from, int to) {
        compute.kernels().channelGradSums(input, dy, batch, channels, spatial, from, to, mean, invStd,
                beta.grad(), gamma.grad());
    }

    private void inputGradRows(int from, int to) {
        compute.kernels().batchNormBackward(input, dy, gradIn, channels, spatial, from, to, mean, invStd, scale,
                meanDy, meanDyXhat);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Parameter> state() {
        return List.of(runningMean, runningVar);
    }
}
