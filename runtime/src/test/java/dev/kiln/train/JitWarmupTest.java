package dev.kiln.train;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static dev.kiln.train.JitWarmup.WINDOW_NANOS;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link JitWarmup} on a fake clock and a fake compile-time counter. */
class JitWarmupTest {

    private final AtomicLong compileMillis = new AtomicLong(1_000);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    @Test
    void busyUntilTheCompilersCalmDownThenNeverAgain() {
        JitWarmup w = new JitWarmup(compileMillis::get, nanos::get);
        assertTrue(w.busy(), "busy from the start, before any window is measured");
        nanos.addAndGet(WINDOW_NANOS);
        compileMillis.addAndGet(80);
        assertTrue(w.busy(), "80 ms of compiling (two compiler threads) in a 50 ms window");
        nanos.addAndGet(WINDOW_NANOS / 2);
        assertTrue(w.busy(), "the next window is not over yet");
        nanos.addAndGet(WINDOW_NANOS / 2);
        assertFalse(w.busy(), "a whole window without compiling");
        nanos.addAndGet(WINDOW_NANOS);
        compileMillis.addAndGet(50);
        assertFalse(w.busy(), "over for good, whatever the JIT does later");
    }

    @Test
    void busyMeansMoreThanOneCoreOfTheWindowSpentCompiling() {
        JitWarmup w = new JitWarmup(compileMillis::get, nanos::get);
        nanos.addAndGet(WINDOW_NANOS);
        compileMillis.addAndGet(51);
        assertTrue(w.busy(), "51 ms of 50");
        nanos.addAndGet(WINDOW_NANOS);
        compileMillis.addAndGet(49);
        assertFalse(w.busy(), "49 ms of 50");
    }
}
