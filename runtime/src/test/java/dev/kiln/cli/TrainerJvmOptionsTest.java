package dev.kiln.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HotSpot reports a CompileCommand it cannot parse and starts anyway, so a typo would silently
 * drop the trainer's tuning: this starts a real JVM with the options (without {@code quiet}, so
 * it echoes what it parsed) and checks what it understood.
 */
class TrainerJvmOptionsTest {

    @Test
    void hotSpotParsesTheKernelsCompileThresholdScaling() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : TrainerJvmOptions.OPTIONS) {
            if (!option.equals("-XX:CompileCommand=quiet")) {
                cmd.add(option);
            }
        }
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("CompileThresholdScaling dev/kiln/kernels/*.* double CompileThresholdScaling = 0.05"),
                "the kernels' package with a scaling of 0.05, as HotSpot parsed it:\n" + out);
    }

    @Test
    void quietKeepsTheEchoOutOfTheTrainersOutput() {
        assertEquals("-XX:CompileCommand=quiet", TrainerJvmOptions.OPTIONS.get(0),
                "quiet must come first: HotSpot echoes every CompileCommand parsed before it");
    }

    /**
     * The compiler directives, applied by a real JVM: with every method compiled by C2 at its first
     * call ({@code -Xcomp}, no tiers), C2 refuses the Vector API's fallbacks and compiles the public
     * operations the kernels inline. A directive that matched nothing, or matched too much, fails.
     */
    @Test
    void c2LeavesTheVectorFallbacksAloneButNotTheOperations(@TempDir Path dir) throws IOException, InterruptedException {
        Path file = TrainerJvmOptions.writeDirectives(dir);
        assertEquals(TrainerJvmOptions.JIT_DIRECTIVES, Files.readString(file));
        List<String> options = new ArrayList<>(TrainerJvmOptions.options(dir));
        options.remove("-XX:CompileCommand=quiet");
        List<String> lines = runVectorProgram(options, List.of("-Xcomp", "-XX:-TieredCompilation", "-XX:+PrintCompilation"),
                RunVectorKernels.class);

        List<String> excluded = lines.stream().filter(l -> l.startsWith("### Excluding compile:"))
                .collect(Collectors.toList());
        for (String fallback : List.of("VectorSupport::binaryOp", "VectorSupport::ternaryOp", "VectorSupport::load",
                "FloatVector::bOpTemplate", "FloatVector$$Lambda")) {
            assertTrue(excluded.stream().anyMatch(l -> l.contains(fallback)), fallback + " kept out of C2");
        }
        Pattern operation = Pattern.compile("jdk\\.incubator\\.vector\\.\\w+::(fma|fromArray|intoArray|lanewise"
                + "|lanewiseTemplate|broadcast|add|mul|max|compare|blend|reduceLanes|reduceLanesTemplate)\\b");
        for (String l : excluded) {
            assertFalse(operation.matcher(l).find(), "an operation the kernels inline is kept out of C2: " + l);
        }
        assertTrue(lines.stream().anyMatch(l -> !l.startsWith("###") && l.contains("jdk.incubator.vector.FloatVector::fma")),
                "C2 compiles FloatVector.fma");
    }
    /**
     * The GEMM's packing and block methods stay compile roots: a real JVM under the options runs a
     * packed product hot and reports, for each call of them it compiles, that the CompileCommand
     * disallowed inlining it, and never that it inlined one. A pattern that matched nothing fails.
     */
    @Test
    void theGemmsPackingAndBlocksAreCompiledAlone(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> lines = hotGemmInlining(dir);
        for (String method : List.of("PackedGemm::block ", "PackedGemm::blockDirect ", "PackedGemm::packA ",
                "PackedGemm$Strided::pack ")) {
            List<String> calls = callsOf(lines, method);
            assertTrue(calls.stream().anyMatch(l -> l.endsWith("disallowed by CompileCommand")),
                    method + "kept out of its callers' compiles:\n" + String.join("\n", calls));
            for (String l : calls) {
                assertFalse(l.contains("inline (hot)") || l.endsWith("   inline"), "inlined: " + l);
            }
        }
    }

    /** The micro-kernel's vector-returning helper is inlined by the CompileCommand, not by C2's judgment. */
    @Test
    void helpersThatPassVectorsAreAlwaysInlined(@TempDir Path dir) throws IOException, InterruptedException {
        List<String> calls = callsOf(hotGemmInlining(dir), "PackedGemm::startInline ");
        assertTrue(calls.stream().anyMatch(l -> l.endsWith("force inline by CompileCommand")),
                "startInline forced inline:\n" + String.join("\n", calls));
        Pattern refused = Pattern.compile("too big|too large|too deep|not reached|already compiled|disallowed|no static binding");
        for (String l : calls) {
            assertFalse(refused.matcher(l).find(), "left as a call: " + l);
        }
    }

    /**
     * Every kernel method that takes or returns a vector or a mask is named for the CompileCommand
     * that inlines it ({@link TrainerJvmOptions#VECTOR_HELPERS_INLINED}): a new helper that is not
     * would be inlined or not at C2's judgment, and box its vectors where not.
     */
    @Test
    void kernelMethodsThatPassVectorsEndInInline() throws ClassNotFoundException {
        assertTrue(TrainerJvmOptions.VECTOR_HELPERS_INLINED.endsWith("dev.kiln.kernels.*::*Inline"));
        List<Class<?>> classes = new ArrayList<>();
        for (String name : List.of("dev.kiln.kernels.VectorKernels", "dev.kiln.kernels.PackedGemm")) {
            Class<?> c = Class.forName(name);
            classes.add(c);
            classes.addAll(List.of(c.getDeclaredClasses()));
        }
        int helpers = 0;
        for (Class<?> c : classes) {
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (m.isSynthetic()) {
                    continue;
                }
                boolean vectors = isVector(m.getReturnType());
                for (Class<?> p : m.getParameterTypes()) {
                    vectors |= isVector(p);
                }
                if (vectors) {
                    helpers++;
                    assertTrue(m.getName().endsWith("Inline"), c.getName() + "." + m.getName() + " passes vectors");
                }
            }
        }
        assertTrue(helpers >= 8, "found the vector helpers: " + helpers);
    }

    private static boolean isVector(Class<?> type) {
        return type.getName().startsWith("jdk.incubator.vector.");
    }

    private static List<String> callsOf(List<String> lines, String method) {
        return lines.stream().filter(l -> l.contains("dev.kiln.kernels." + method) && l.contains(" @ "))
                .collect(Collectors.toList());
    }

    /**
     * {@link RunHotGemm}'s output under the options, with {@code -XX:+PrintInlining}. {@code -Xbatch}
     * makes each compile finish before the program goes on, so the drivers' C2 compiles are done
     * (and printed) before it ends, however busy the machine.
     */
    private static List<String> hotGemmInlining(Path dir) throws IOException, InterruptedException {
        TrainerJvmOptions.writeDirectives(dir);
        return runVectorProgram(TrainerJvmOptions.options(dir),
                List.of("-Xbatch", "-XX:+PrintCompilation", "-XX:+PrintInlining"), RunHotGemm.class);
    }

    /**
     * Runs {@code main} (which prints {@code kernels=<name>}) in a JVM with the Vector API,
     * {@code options} and {@code flags}; checks that it ran the vector kernels and returns its
     * output, HotSpot's included.
     */
    private static List<String> runVectorProgram(List<String> options, List<String> flags, Class<?> main)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(options);
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        assertTrue(lines.stream().anyMatch(l -> l.contains("kernels=vector ")), "the vector kernels ran");
        return lines;
    }
}
