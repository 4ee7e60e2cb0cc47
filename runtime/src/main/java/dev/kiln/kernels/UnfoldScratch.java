package dev.kiln.kernels;

/**
 * One im2col buffer per thread for {@link Kernels#gemmUnfolded}'s default: it grows to the
 * largest unfolding a thread has needed and is then reused, so calls allocate nothing.
 */
final class UnfoldScratch {

    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);

    private UnfoldScratch() {
    }

    /** This thread's buffer, at least {@code size} floats long; its contents are garbage. */
    static float[] get(int size) {
        float[][] holder = BUFFER.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
