package dev.kiln.train;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Whether the next batch should leave a core to the JIT: true from the start of training until the
 * JVM's compilers first spend less than {@link #BUSY} of a window's wall time compiling, then
 * false for good.
 *
 * <p>Why: until C2 has compiled the vector kernels they run boxed in the interpreter and C1,
 * and the compiler threads share the cores with the workers. On 2 vCPUs a 2-thread MLP run took
 * 1.8–2.1 s for its first 100 batches where a 1-thread run took 1.2–1.3 s. With this warm-up the
 * first epoch took 0.75–1.00× its time in 10 alternating pairs (MLP, median 0.94) and 0.73–0.99×
 * in 5 (CNN on 12,800 images, median 0.95). The bits do not change: results never depend on the
 * thread count.
 *
 * <p>Busy means more than one core's worth of compiling (the C1 and C2 threads together): ending
 * the one-thread start there rather than at half a core made the CNN's 2-thread run on 12,800
 * images 0.12 s shorter (4.61 s against 4.73 s, medians of 18 JVMs each, in turn), roughly
 * what its last one-thread batches lost against two threads; the MLP's was the same (1.47
 * against 1.48 s, 8 pairs).
 */
final class JitWarmup {

    /** Compile milliseconds per wall millisecond above which the JIT counts as busy. */
    static final double BUSY = 1.0;
    /** The window the compile rate is measured over. */
    static final long WINDOW_NANOS = 50_000_000L;

    private final LongSupplier compileMillis;
    private final LongSupplier nanoTime;
    private long windowStart;
    private long compileAtStart;
    private boolean over;

    /**
     * @param compileMillis the JVM's accumulated compile time in milliseconds
     * @param nanoTime      a monotonic clock in nanoseconds
     */
    JitWarmup(LongSupplier compileMillis, LongSupplier nanoTime) {
        this.compileMillis = compileMillis;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
        this.compileAtStart = compileMillis.getAsLong();
    }

    /** This JVM's compilers; a warm-up that is over at once where the JVM does not report compile time. */
    static JitWarmup ofThisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        JitWarmup w = new JitWarmup(measurable ? jit::getTotalCompilationTime : () -> 0L, System::nanoTime);
        w.over = !measurable;
        return w;
    }

    /** Whether the next batch should run on one thread; once false, always false. */
    boolean busy() {
        if (over) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            long compiled = compileMillis.getAsLong();
            if ((compiled - compileAtStart) < BUSY * elapsed / 1e6) {
                over = true;
                return false;
            }
            windowStart = now;
            compileAtStart = compiled;
        }
        return true;
    }
}
