package dev.kiln.kernels;

/**
 * The counter-based hash behind dropout masks. Whether element {@code i} is kept is a pure
 * function of a 64-bit key (derived from run seed, layer index and training step) and {@code i},
 * so the mask does not depend on thread count, work split or call order, and the vector kernels
 * can compute it lane by lane with 32-bit integer operations.
 */
public final class MaskHash {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private MaskHash() {
    }

    /** SplitMix64's finalizer: a bijection on 64 bits with full avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of one layer's mask at one training step. */
    public static long key(long seed, int layerIndex, long step) {
        long layerKey = mix64(mix64(seed) + GOLDEN * (layerIndex + 1L));
        return mix64(layerKey + GOLDEN * (step + 1));
    }

    /** "lowbias32" (C. Wellons): a 32-bit bijection with good avalanche, cheap in vector lanes. */
    public static int mix32(int x) {
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        x ^= x >>> 16;
        return x;
    }

    /** Hash of element {@code index} under {@code key}: two rounds with each key half mixed in. */
    public static int hash(long key, int index) {
        return mix32(mix32(index ^ (int) key) + (int) (key >>> 32));
    }

    /**
     * The threshold for {@code rate}: an element is dropped when the top 24 bits of its hash are
     * below it, so the drop probability is {@code rate} to within 2⁻²⁴.
     */
    public static int threshold(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("rate must be in [0, 1), got " + rate);
        }
        return (int) Math.round(rate * (1 << 24));
    }

    /** Whether element {@code index} is kept. */
    public static boolean keep(long key, int index, int threshold) {
        return (hash(key, index) >>> 8) >= threshold;
    }
}
