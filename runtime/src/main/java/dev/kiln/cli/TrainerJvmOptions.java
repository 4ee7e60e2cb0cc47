package dev.kiln.cli;

import dev.kiln.kernels.Kernels;
import dev.kiln.report.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>The Vector API's fallbacks are kept out of C2 ({@link #JIT_DIRECTIVES}, a file of HotSpot
 * compiler directives that {@link #options(Path)} names): until C2 has compiled a kernel, every
 * vector operation in it runs the API's Java fallback, boxed, and those fallbacks got hot enough
 * for C2 to compile about 150 of them in the MLP's first epoch, 0.50 s of C2 time spent while the
 * kernels waited in its queue. Excluded from C2 they run C1 code, and C2 gets to the kernels
 * sooner (0.08 s of C2 time left on the API). Compiled kernels never call the fallbacks: C2
 * replaces the API's intrinsic calls, which the exclusion leaves alone (the steady-state step is
 * unchanged). MNIST MLP, one epoch, alternating JVMs: 2 threads 1.516 s against 1.692 s
 * (medians, faster in 10 of 10 pairs), 1 thread 1.940 s against 2.145 s (6 of 6); the CNN on
 * 12,800 images, 2 threads, 5.70 s against 5.88 s. Where C2 cannot intrinsify an operation
 * (another CPU), its fallback now runs C1 code.
 *
 * <p>The GEMM's packing and block methods are never inlined into their callers
 * ({@link #PACKING_COMPILED_ALONE}, {@link #BLOCK_COMPILED_ALONE}), so C2 compiles each of them as
 * a root of its own. A gather or scatter of the Vector API is nine calls deep inside the API, and
 * C2 inlines at most 15 levels ({@code MaxInlineLevel}); where a compile starting far above the
 * kernel (at {@code Parallel.forRange}, ten levels above the packing) took in the whole chain,
 * the scatter's index arithmetic was left as a call to its boxed fallback. Which compile takes
 * the chain depends on the order the JIT compiles things in, so a JVM ran the product at full
 * speed or 1.35× slower for its whole life: the input gradient {@code dY·Wᵀ} 64×512×512 at 2
 * threads ran ~6,000 products per second in 2 of 8 JMH forks and ~8,100 in the others, and in 0
 * of 8 forks with these options (the same with {@code MaxInlineLevel} raised instead). Epochs
 * are unchanged (MLP at 2 threads 1.417 against 1.413 s, medians of 8 alternating pairs; the
 * CNN on 12,800 images within noise), and the bits too: inlining never changes what is computed.
 *
 * <p>The kernels' helpers that take or return a vector (their names end in {@code Inline}) are
 * always inlined ({@link #VECTOR_HELPERS_INLINED}). A vector that crosses a call C2 left as a
 * call is boxed: a heap array and an object per vector. C2 inlines such a helper or not by its
 * size, its call site's profile and whether it is already compiled, so some JVMs compiled one of
 * them as a call for the rest of the run: the CNN on 12,800 images (2 threads) then allocated
 * 0.4–21 MB per batch in steady state, in 4 of 8 JVMs, where the others allocated 12–20 bytes
 * ({@code AllocationBench}; JFR placed it in the dot products' {@code dotStore}, the micro-kernels'
 * {@code start} and dropout's mask). With the helpers forced inline, 16 of 16 JVMs allocated
 * 12–18 bytes per batch.
 */
public final class TrainerJvmOptions {

    /**
     * Objects on 64-byte cache lines; a compile-time constant, so that the JMH benchmarks' forks
     * ({@code @Fork(jvmArgsAppend = ...)}) name the same option.
     */
    public static final String OBJECT_ALIGNMENT = "-XX:ObjectAlignmentInBytes=64";

    /** HotSpot echoes every CompileCommand parsed before this one (and none after it). */
    public static final String QUIET = "-XX:CompileCommand=quiet";

    /**
     * Every packing method of the GEMM (of A, and of B from a matrix or a convolution's
     * unfolding) is compiled as a root of its own, never inlined into its caller; a compile-time
     * constant for the JMH forks, as {@link #OBJECT_ALIGNMENT}.
     */
    public static final String PACKING_COMPILED_ALONE =
            "-XX:CompileCommand=dontinline,dev.kiln.kernels.PackedGemm*::pack*";

    /**
     * Every kernel method whose name ends in {@code Inline} (the helpers that take or return a
     * vector) is always inlined; a compile-time constant for the JMH forks.
     */
    public static final String VECTOR_HELPERS_INLINED = "-XX:CompileCommand=inline,dev.kiln.kernels.*::*Inline";

    /**
     * The GEMM's blocks of rows (the micro-kernel's callers: {@code block} and, for B read where
     * it is, {@code blockDirect}) are compiled as roots of their own.
     */
    public static final String BLOCK_COMPILED_ALONE = "-XX:CompileCommand=dontinline,dev.kiln.kernels.PackedGemm::block*";

    /** The options that need no file, in command-line order. */
    public static final List<String> OPTIONS = List.of(
            QUIET,
            "-XX:CompileCommand=CompileThresholdScaling," + Kernels.class.getPackageName() + ".*::*,0.05",
            PACKING_COMPILED_ALONE,
            BLOCK_COMPILED_ALONE,
            VECTOR_HELPERS_INLINED,
            OBJECT_ALIGNMENT);

    /**
     * HotSpot compiler directives: C2 never compiles the Vector API's fallbacks on their own. They
     * are the element-wise loops behind each operation ({@code bOp}, {@code uOp}, {@code tOp},
     * their templates, loads, stores, reductions, tests, casts), the lambdas that carry them, and
     * the {@code VectorSupport} entry points that call them; every one of them is an intrinsic or
     * runs only where an intrinsic is missing. The public operations ({@code fma},
     * {@code fromArray}, {@code lanewise}, ...) stay compilable: C2 inlines them into the kernels.
     */
    public static final String JIT_DIRECTIVES = """
            [
              {
                match: [
                  "jdk/incubator/vector/*.*Op",
                  "jdk/incubator/vector/*.*OpTemplate",
                  "jdk/incubator/vector/*.lambda$*",
                  "jdk/incubator/vector/*.bTest",
                  "jdk/incubator/vector/*.defaultCast",
                  "*Vector$$Lambda*.*",
                  "*Species$$Lambda*.*",
                  "*Mask$$Lambda*.*",
                  "jdk/internal/vm/vector/VectorSupport.*"
                ],
                c2: { Exclude: true }
              }
            ]
            """;

    /** The name of the {@link #JIT_DIRECTIVES} file in the folder given to {@link #options(Path)}. */
    public static final String DIRECTIVES_FILE = "kiln-jit-directives.json";

    private TrainerJvmOptions() {
    }

    /**
     * {@link #OPTIONS}, then the compiler directives in {@code dir}'s {@link #DIRECTIVES_FILE},
     * which {@link #writeDirectives} writes: the JVM refuses to start without it.
     */
    public static List<String> options(Path dir) {
        List<String> all = new ArrayList<>(OPTIONS);
        all.add("-XX:+UnlockDiagnosticVMOptions");
        all.add("-XX:CompilerDirectivesFile=" + dir.resolve(DIRECTIVES_FILE).toAbsolutePath());
        return List.copyOf(all);
    }

    /**
     * Writes {@link #JIT_DIRECTIVES} to {@code dir}'s {@link #DIRECTIVES_FILE}, creating the
     * folder, atomically.
     *
     * @return the file
     * @throws java.io.UncheckedIOException when it cannot be written
     */
    public static Path writeDirectives(Path dir) {
        Path file = dir.resolve(DIRECTIVES_FILE);
        AtomicFiles.writeString(file, JIT_DIRECTIVES, "JIT compiler directives");
        return file;
    }

    /**
     * {@code TrainerJvmOptions <dir>}: writes the directives into {@code dir} and prints
     * {@link #options(Path)}, one per line, for scripts.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TrainerJvmOptions <folder for the " + DIRECTIVES_FILE + " file>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        writeDirectives(dir);
        options(dir).forEach(System.out::println);
    }
}
