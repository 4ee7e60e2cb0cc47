package dev.kiln.optim;

import dev.kiln.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The buffers an optimizer keeps beside each parameter, one of each kind per parameter (Adam's
 * two moments, SGD's velocity), zero to start with, and their round trip through a checkpoint's
 * {@link OptimizerState}, where each is named {@code <kind>/<parameter name>}.
 */
final class ParameterBuffers {

    private final String optimizer;
    private final List<Parameter> params;
    private final String[] kinds;
    /** {@code buffers[kind][parameter]}, each as long as its parameter. */
    private final float[][][] buffers;

    /**
     * @param optimizer the optimizer's spec name, which its exported state carries
     * @param kinds     the buffers' kinds, in the order the state lists them for each parameter
     */
    ParameterBuffers(String optimizer, List<Parameter> params, String... kinds) {
        this.optimizer = optimizer;
        this.params = List.copyOf(params);
        this.kinds = kinds.clone();
        this.buffers = new float[kinds.length][params.size()][];
        // allocated parameter by parameter, so that one parameter's buffers lie side by side
        for (int i = 0; i < params.size(); i++) {
            for (int k = 0; k < kinds.length; k++) {
                buffers[k][i] = new float[params.get(i).size()];
            }
        }
    }

    /** The buffer of kind {@code kind} (an index into the kinds given) for parameter {@code param}. */
    float[] get(int kind, int param) {
        return buffers[kind][param];
    }

    /** A copy of every buffer, parameter by parameter, with {@code steps}. */
    OptimizerState export(long steps) {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            for (int k = 0; k < kinds.length; k++) {
                tensors.put(name(k, i), buffers[k][i].clone());
            }
        }
        return new OptimizerState(optimizer, steps, tensors);
    }

    /**
     * Copies {@code state}'s buffers into these and returns its step count. The state is checked
     * in full before anything is copied, so a state that is refused leaves the buffers as they were.
     *
     * @throws IllegalArgumentException when the state is another optimizer's, or lacks a buffer,
     *                                  or has one of another length
     */
    long restore(OptimizerState state) {
        if (!optimizer.equals(state.optimizer())) {
            throw new IllegalArgumentException("the state is " + state.optimizer() + "'s, not " + optimizer + "'s");
        }
        float[][][] next = new float[kinds.length][params.size()][];
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < params.size(); i++) {
                next[k][i] = state.tensor(name(k, i), buffers[k][i].length);
            }
        }
        for (int k = 0; k < kinds.length; k++) {
            for (int i = 0; i < params.size(); i++) {
                System.arraycopy(next[k][i], 0, buffers[k][i], 0, buffers[k][i].length);
            }
        }
        return state.steps();
    }

    private String name(int kind, int param) {
        return kinds[kind] + "/" + params.get(param).name();
    }
}
