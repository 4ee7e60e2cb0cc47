package dev.kiln.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the memory traffic of a memory-bound benchmark. JMH reports each field as a secondary
 * metric normalized like throughput: {@code bytes} / 10<sup>9</sup> is GB/s (the bytes the
 * operation must read and write at least, not what the caches saw) and {@code elements} is
 * input elements per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {

    /** Bytes read and written in the current iteration. */
    public long bytes;
    /** Input elements processed in the current iteration. */
    public long elements;

    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        elements = 0;
    }
}
