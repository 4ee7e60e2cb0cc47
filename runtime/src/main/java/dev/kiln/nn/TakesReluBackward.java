package dev.kiln.nn;

/**
 * A layer that, placed right after a ReLU, can do the ReLU's backward pass inside its own: it
 * zeroes its input gradient wherever its input (the ReLU's output) is not above 0, while that
 * gradient is still in cache. {@link Network} pairs it with {@link Activation#derivedByNext}, so
 * the ReLU hands the gradient down untouched and its pass over the batch is saved.
 */
interface TakesReluBackward {

    /** From now on, the backward pass also applies the derivative of the ReLU before this layer. */
    void takeReluBackward();
}
