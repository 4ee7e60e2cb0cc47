package dev.kiln.maven;

import dev.kiln.cli.TrainMain;
import dev.kiln.cli.TrainerJvmOptions;

import org.apache.maven.artifact.Artifact;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The command line of the forked trainer:
 * {@code <jvm> --add-modules jdk.incubator.vector <TrainerJvmOptions> -Xmx<maxHeap> [jvmArgs] -cp <runtime class path>
 * dev.kiln.cli.TrainMain <spec> <outputDir> <datasetCache> [--resume]}. The options name the JIT
 * compiler directives in {@code outputDir}, which {@code TrainerJvmOptions.writeDirectives} writes
 * before the fork.
 *
 * <p>The child gets its own JVM so it can load the Vector API module (Maven's JVM usually lacks
 * it), get a heap sized for training, and never leak threads or memory into the build.
 */
final class ForkCommand {

    /** The forked JVM's main class; by name, so a refactoring that moves it breaks a test. */
    static final String MAIN_CLASS = TrainMain.class.getName();

    /** The only class outside the runtime the trainer needs; loaded by name to avoid a compile dependency. */
    static final String PROTOBUF_ANCHOR = "com.google.protobuf.Message";

    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");

    private ForkCommand() {
    }

    /** Whether {@code s} is a size {@code -Xmx} accepts, such as {@code 512m} or {@code 2g}. */
    static boolean isHeapSize(String s) {
        return s != null && HEAP_SIZE.matcher(s.trim()).matches();
    }

    /** {@code ${java.home}/bin/java}: the JDK running Maven, which we know is new enough. */
    static Path defaultJvm() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    /**
     * Builds the argument list. {@code jvmArgs} come after {@code -Xmx} so a user's own
     * {@code -Xmx} in them wins.
     */
    static List<String> build(Path jvm, String maxHeap, List<String> jvmArgs, List<Path> classpath,
                              Path specFile, Path outputDir, Path datasetCache) {
        return build(jvm, maxHeap, jvmArgs, classpath, MAIN_CLASS, specFile, outputDir, datasetCache);
    }

    /** As above with another main class honouring the {@code TrainMain} contract (tests use a fake). */
    static List<String> build(Path jvm, String maxHeap, List<String> jvmArgs, List<Path> classpath,
                              String mainClass, Path specFile, Path outputDir, Path datasetCache) {
        return build(jvm, maxHeap, jvmArgs, classpath, mainClass, specFile, outputDir, datasetCache, false);
    }

    /**
     * As above; {@code resume} adds {@link TrainMain#RESUME}, an argument rather than a spec entry
     * so that it never changes the spec fingerprint.
     */
    static List<String> build(Path jvm, String maxHeap, List<String> jvmArgs, List<Path> classpath,
                              String mainClass, Path specFile, Path outputDir, Path datasetCache, boolean resume) {
        List<String> cmd = new ArrayList<>();
        cmd.add(jvm.toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(TrainerJvmOptions.options(outputDir));
        cmd.add("-Xmx" + maxHeap.trim());
        if (jvmArgs != null) {
            for (String a : jvmArgs) {
                if (a != null && !a.isBlank()) {
                    cmd.add(a.trim());
                }
            }
        }
        cmd.add("-cp");
        cmd.add(joinClasspath(classpath));
        cmd.add(mainClass);
        cmd.add(specFile.toAbsolutePath().toString());
        cmd.add(outputDir.toAbsolutePath().toString());
        cmd.add(datasetCache.toAbsolutePath().toString());
        if (resume) {
            cmd.add(TrainMain.RESUME);
        }
        return cmd;
    }

    static String joinClasspath(List<Path> classpath) {
        List<String> parts = new ArrayList<>();
        for (Path p : classpath) {
            parts.add(p.toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, parts);
    }

    /**
     * The trainer's class path: the plugin's own resolved dependencies (the runtime and whatever
     * it depends on, so a new runtime dependency needs no change here) minus the plugin jar,
     * plus the jars the runtime classes were actually loaded from, in case Maven handed us no
     * artifacts (embedded or unusual launchers).
     *
     * @param pluginArtifacts {@code ${plugin.artifacts}}, may be {@code null}
     * @throws IllegalStateException when the runtime's own jar cannot be found
     */
    static List<Path> runtimeClasspath(Collection<Artifact> pluginArtifacts) {
        Set<Path> cp = new LinkedHashSet<>();
        Path runtime = codeSource(TrainMain.class);
        if (runtime == null) {
            throw new IllegalStateException("cannot locate the jar holding " + MAIN_CLASS
                    + "; set <fork>false</fork> or report this with the output of mvn -X");
        }
        cp.add(runtime);
        if (pluginArtifacts != null) {
            for (Artifact a : pluginArtifacts) {
                if (usable(a)) {
                    cp.add(a.getFile().toPath().toAbsolutePath().normalize());
                }
            }
        }
        try {
            Path protobuf = codeSource(Class.forName(PROTOBUF_ANCHOR, false, ForkCommand.class.getClassLoader()));
            if (protobuf != null) {
                cp.add(protobuf);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not visible here: then it came with the plugin artifacts or the runtime no longer needs it
        }
        return List.copyOf(cp);
    }

    private static boolean usable(Artifact a) {
        if (a == null || a.getFile() == null) {
            return false;
        }
        if ("dl-maven-plugin".equals(a.getArtifactId()) && "dev.kiln".equals(a.getGroupId())) {
            return false; // the trainer needs the runtime, not the Maven glue
        }
        if ("com.microsoft.onnxruntime".equals(a.getGroupId())) {
            return false; // only dl:evaluate uses it, inside Maven's JVM
        }
        String scope = a.getScope();
        if (Artifact.SCOPE_TEST.equals(scope) || Artifact.SCOPE_PROVIDED.equals(scope)
                || Artifact.SCOPE_SYSTEM.equals(scope)) {
            return false;
        }
        return "jar".equals(a.getType()) || a.getArtifactHandler() == null || a.getArtifactHandler().isAddedToClasspath();
    }

    /** The jar or folder a class was loaded from, or {@code null} when the class loader does not say. */
    static Path codeSource(Class<?> c) {
        CodeSource cs = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }
}
