package dev.kiln.maven;

import dev.kiln.cli.TrainerJvmOptions;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForkCommandTest {

    @TempDir
    Path dir;

    @Test
    void commandLineFollowsTheTrainMainContract() {
        Path java = Path.of("/opt/jdk/bin/java");
        List<Path> cp = List.of(dir.resolve("kiln-runtime.jar"), dir.resolve("protobuf-java.jar"));
        List<String> cmd = ForkCommand.build(java, "2g", List.of("-Dkiln.kernels=scalar", " ", "-Xmx4g"), cp,
                dir.resolve("m.spec"), dir.resolve("out"), dir.resolve("cache"));
        assertEquals(List.of("/opt/jdk/bin/java", "--add-modules", "jdk.incubator.vector",
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=CompileThresholdScaling,dev.kiln.kernels.*::*,0.05",
                "-XX:CompileCommand=dontinline,dev.kiln.kernels.PackedGemm*::pack*",
                "-XX:CompileCommand=dontinline,dev.kiln.kernels.PackedGemm::block*",
                "-XX:CompileCommand=inline,dev.kiln.kernels.*::*Inline",
                "-XX:ObjectAlignmentInBytes=64", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompilerDirectivesFile=" + dir.resolve("out").resolve("kiln-jit-directives.json").toAbsolutePath(),
                "-Xmx2g",
                "-Dkiln.kernels=scalar", "-Xmx4g",
                "-cp", dir.resolve("kiln-runtime.jar") + File.pathSeparator + dir.resolve("protobuf-java.jar"),
                "dev.kiln.cli.TrainMain", dir.resolve("m.spec").toString(), dir.resolve("out").toString(),
                dir.resolve("cache").toString()), cmd);
    }

    @Test
    void resumeIsAnExtraArgumentNotPartOfTheSpec() {
        List<String> cmd = ForkCommand.build(Path.of("java"), "1g", null, List.of(dir), ForkCommand.MAIN_CLASS,
                dir.resolve("s"), dir, dir, true);
        assertEquals("--resume", cmd.get(cmd.size() - 1));
        assertEquals(dir.toAbsolutePath().toString(), cmd.get(cmd.size() - 2));
        List<String> fresh = ForkCommand.build(Path.of("java"), "1g", null, List.of(dir), ForkCommand.MAIN_CLASS,
                dir.resolve("s"), dir, dir, false);
        assertEquals(cmd.subList(0, cmd.size() - 1), fresh);
    }

    @Test
    void noJvmArgsIsFine() {
        List<String> cmd = ForkCommand.build(Path.of("java"), "512m", null, List.of(dir), dir.resolve("s"), dir, dir);
        int heap = 3 + TrainerJvmOptions.options(dir).size();
        assertEquals("-Xmx512m", cmd.get(heap));
        assertEquals("-cp", cmd.get(heap + 1));
    }

    @Test
    void defaultJvmIsTheOneRunningMaven() {
        Path jvm = ForkCommand.defaultJvm();
        assertTrue(jvm.startsWith(Path.of(System.getProperty("java.home"))), jvm.toString());
        assertTrue(jvm.toFile().canExecute(), jvm + " should exist and be executable");
    }

    @Test
    void heapSizes() {
        for (String ok : List.of("2g", "512m", "1024", "64K", "1T")) {
            assertTrue(ForkCommand.isHeapSize(ok), ok);
        }
        for (String bad : Arrays.asList("", "g", "2 g", "2gb", "0", "-1g", "1.5g", null)) {
            assertFalse(ForkCommand.isHeapSize(bad), String.valueOf(bad));
        }
    }

    @Test
    void classpathIsTheRuntimeAndItsDependenciesNotThePlugin() {
        Path runtimeJar = ForkCommand.codeSource(dev.kiln.cli.TrainMain.class);
        assertNotNull(runtimeJar);
        List<Artifact> artifacts = new ArrayList<>();
        artifacts.add(artifact("dev.kiln", "dl-maven-plugin", "compile", dir.resolve("plugin.jar")));
        artifacts.add(artifact("dev.kiln", "kiln-runtime", "compile", runtimeJar.toFile().toPath()));
        artifacts.add(artifact("com.example", "extra", "runtime", dir.resolve("extra.jar")));
        artifacts.add(artifact("org.junit", "junit", "test", dir.resolve("junit.jar")));
        artifacts.add(artifact("com.example", "unresolved", "compile", null));

        List<Path> cp = ForkCommand.runtimeClasspath(artifacts);
        assertEquals(runtimeJar, cp.get(0), "the runtime first, and only once");
        assertEquals(1, cp.stream().filter(runtimeJar::equals).count());
        assertTrue(cp.contains(dir.resolve("extra.jar")), "a new runtime dependency comes along without code changes");
        assertFalse(cp.contains(dir.resolve("plugin.jar")));
        assertFalse(cp.contains(dir.resolve("junit.jar")));
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("protobuf-java")), cp.toString());
    }

    @Test
    void classpathWithoutArtifactsFallsBackToWhereClassesWereLoadedFrom() {
        List<Path> cp = ForkCommand.runtimeClasspath(null);
        assertEquals(ForkCommand.codeSource(dev.kiln.cli.TrainMain.class), cp.get(0));
        assertTrue(cp.stream().anyMatch(p -> p.getFileName().toString().startsWith("protobuf-java")), cp.toString());
    }

    private static Artifact artifact(String g, String a, String scope, Path file) {
        DefaultArtifact art = new DefaultArtifact(g, a, "1.0", scope, "jar", null, new DefaultArtifactHandler("jar"));
        if (file != null) {
            art.setFile(file.toFile());
        }
        return art;
    }
}
