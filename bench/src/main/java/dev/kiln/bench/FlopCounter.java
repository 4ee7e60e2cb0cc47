package dev.kiln.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the floating-point operations a benchmark did. JMH reports the counter as the secondary
 * metric {@code flops}, normalized like throughput (per second, summed over benchmark threads),
 * so its score divided by 10<sup>9</sup> is GFLOP/s. An FMA counts as two operations; a GEMM of
 * {@code m×n×k} as {@code 2·m·n·k}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {

    /** Floating-point operations done in the current iteration. */
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
