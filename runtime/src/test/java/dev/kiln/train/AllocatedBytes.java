package dev.kiln.train;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated so far by all live threads of this JVM (the worker pool's included), from
 * {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long[])}. A difference of two
 * readings is what the threads alive at both allocated in between, to within the few hundred
 * bytes the readings themselves allocate.
 */
public final class AllocatedBytes {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocatedBytes() {
    }

    /** Sum over all live threads; threads that report nothing (-1) count as 0. */
    public static long total() {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not measure per-thread allocation");
        }
        long sum = 0;
        for (long b : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
