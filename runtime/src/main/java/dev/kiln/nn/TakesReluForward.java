package dev.kiln.nn;

/**
 * A layer that, placed right before a ReLU, can apply the ReLU to its own output while that
 * output is still in cache: a convolution right after each sample's GEMM, a dense layer in the
 * pass that adds its bias. {@link Network} pairs it with {@link Activation#appliedByPrevious}, so
 * the ReLU passes the values through and its pass over the batch is saved. The values are the
 * same: {@code max(0, ·)} of the same sums.
 */
interface TakesReluForward {

    /** From now on, the forward pass also applies the ReLU after this layer. */
    void takeReluForward();
}
