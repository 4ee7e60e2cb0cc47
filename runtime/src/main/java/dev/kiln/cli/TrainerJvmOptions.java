package dev.kiln.cli;

import dev.kiln.kernels.Kernels;

import java.util.List;

/**
 * HotSpot options the forked trainer runs with ({@code dl:train} adds them to the child JVM's
 * command line, before the user's {@code jvmArgs}), and {@code bench/epoch-vs-pytorch.sh} too, so
 * the benchmark's figures are the trainer's. {@link #main} prints them one per line for scripts.
 *
 * <p>The kernels' compile thresholds are scaled by 0.05, so that C2 compiles them after some
 * hundreds of calls instead of some thousands. Until then the Vector API runs in the interpreter
 * and C1, boxing every vector, while the one C2 thread works through a queue that stays full for
 * the first seconds of training; the kernels now join it sooner. MNIST MLP, one epoch,
 * alternating JVMs: 3.56 s against 4.00 (medians of 6, 2 threads), 3.38 s against 3.70 (medians
 * of 5, 1 thread), with 9 % less CPU time in all; the CNN on 12,800 images 10.8 s against
 * 11.3 s. The same bits: compile thresholds change when code is compiled, never what it
 * computes. Scaling all of Kiln's methods, not only the kernels, compiled 60 % more code and was
 * no faster. The pattern names the kernels' package through a class in it, so moving the kernels
 * moves the option with them.
 *
 * <p>Objects are aligned to 64 bytes, a cache line, instead of 8: every {@code float[]}'s element 12
 * then starts a line, so the GEMM packs its panels of B there and the micro-kernel's vector loads
 * of B never straddle two lines ({@code dev.kiln.kernels.LineAlignment}). The bits do not change.
 */
public final class TrainerJvmOptions {

    /**
     * Objects on 64-byte cache lines; a compile-time constant, so that the JMH benchmarks' forks
     * ({@code @Fork(jvmArgsAppend = ...)}) name the same option.
     */
    public static final String OBJECT_ALIGNMENT = "-XX:ObjectAlignmentInBytes=64";

    /** The options, in command-line order. */
    public static final List<String> OPTIONS = List.of(
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling," + Kernels.class.getPackageName() + ".*::*,0.05",
            OBJECT_ALIGNMENT);

    private TrainerJvmOptions() {
    }

    /** Prints {@link #OPTIONS}, one per line. */
    public static void main(String[] args) {
        OPTIONS.forEach(System.out::println);
    }
}
