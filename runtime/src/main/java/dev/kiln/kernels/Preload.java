package dev.kiln.kernels;

/**
 * Reads a block of a GEMM operand once, one float per cache line, in address order, just before
 * the micro-kernel or the packing reads it in its own order, so that the block arrives from memory
 * as a sequential stream, which the hardware prefetchers follow, and the kernel then finds it
 * in L2.
 *
 * <p>Why: the CNN example's dense layer 9216→128 finds its weights (4.7 MB) out of cache at
 * every step (the convolutions' activations pass through in between), and its kernels read them
 * in an order the prefetchers do not follow: the forward pass, unpacked, down 48-column strips
 * of 1,024 rows 512 bytes apart; the input gradient's packing gathers across 48 rows at a time.
 * Both ran at about half their in-cache speed (JMH, which keeps them in cache, against
 * {@code StepScaling} in training). Read in order first, in {@code StepScaling} (CNN, 12,800
 * images, JVMs of the two builds in turn): the forward pass took 1.01–1.04 ms instead of
 * 1.17–1.33 at 1 thread and 0.61–0.77 instead of 0.70–0.91 at 2 (8 pairs); the input gradient
 * 1.32–1.39 ms instead of 1.59–1.76 at 1 and 0.64–0.70 instead of 0.80–0.85 at 2 (3 pairs). In
 * JMH, with the operands in cache, the input gradient {@code 64×9216×128} gained 3–10 % and the
 * forward {@code 64×128×9216} lost 6 % at 2 threads (both threads read all of {@code W} there).
 *
 * <p>Only blocks of {@link #MIN_FLOATS} to {@link #MAX_FLOATS} are read ahead: larger ones would
 * push themselves, and the packed A block beside them, out of L2 before the kernel got to them;
 * smaller ones are more likely still in cache, and cheap to read in any order (reading ahead
 * made the 512→10 layer's input gradient, 5,120 floats of {@code W}, 6 % slower in JMH).
 * And only blocks of a product whose whole {@code B} holds at least {@link #COLD_FLOATS}
 * ({@link #cold}), as the wide layer's does (1.18 M floats, or 295 K in each of its four parts):
 * a smaller {@code B} was still in cache in training and lost to being read twice. The MLP's
 * products at 2 threads, whose column chunks of 144 fall inside the block bounds (113 K floats
 * of its 784×512 weights), ran 8–11 % slower in JMH with their blocks read ahead.
 * Preloading reads and never writes, so results are the same bits either way. One instance per
 * thread ({@link PackedGemm}'s per-thread buffers), so that its {@link #sink} is never shared.
 */
final class Preload {

    /** Largest block read ahead: 512 KB, half the L2 of the hosts this is measured on. */
    static final int MAX_FLOATS = 1 << 17;

    /** Smallest block read ahead: 64 KB, more than L1 holds. */
    static final int MIN_FLOATS = 1 << 14;

    /**
     * Fewest floats of a product's {@code op(B)} for it to be read ahead: 1 MB, the L2 of the hosts
     * this is measured on, which such an operand cannot still be in from an earlier call.
     */
    static final int COLD_FLOATS = 1 << 18;

    /** Floats per 64-byte cache line. */
    private static final int LINE = 16;

    /** Whether a product's {@code k×n} {@code op(B)} is large enough to read ahead: {@link #COLD_FLOATS}. */
    static boolean cold(int k, int n) {
        return (long) k * n >= COLD_FLOATS;
    }

    /** Where the loads' sum goes, so that the JIT cannot drop them as unused. */
    float sink;

    /**
     * Reads rows {@code [0, rows)} × columns {@code [0, cols)} of the row-major block at
     * {@code a[off]} with row stride {@code stride}, when it holds {@link #MIN_FLOATS} to {@link #MAX_FLOATS};
     * a block whose rows are whole ({@code cols == stride}) is read as one run.
     */
    void block(float[] a, int off, int stride, int rows, int cols) {
        long size = (long) rows * cols;
        if (size < MIN_FLOATS || size > MAX_FLOATS) {
            return;
        }
        float s = 0;
        if (cols == stride) {
            for (int i = off, end = off + rows * stride; i < end; i += LINE) {
                s += a[i];
            }
        } else {
            for (int r = 0, o = off; r < rows; r++, o += stride) {
                for (int i = o, end = o + cols; i < end; i += LINE) {
                    s += a[i];
                }
            }
        }
        sink = s;
    }
}
