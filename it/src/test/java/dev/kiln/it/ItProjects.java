package dev.kiln.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where maven-invoker-plugin built the example projects, and what they left behind. */
final class ItProjects {

    private ItProjects() {
    }

    static Path project(String name) {
        String root = System.getProperty("kiln.it.projects");
        assertTrue(root != null, "kiln.it.projects is set by the it module's failsafe configuration");
        Path p = Path.of(root, name);
        assertTrue(Files.isDirectory(p), "invoker built " + p);
        return p;
    }

    static String buildLog(String name) throws IOException {
        return Files.readString(project(name).resolve("build.log"));
    }
}
