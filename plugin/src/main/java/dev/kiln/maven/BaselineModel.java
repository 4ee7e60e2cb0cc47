package dev.kiln.maven;

import dev.kiln.report.JUnitGates;

import org.apache.maven.plugin.MojoExecutionException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code <baseline>} a model is compared with: an ONNX file, or a Maven coordinate
 * {@code groupId:artifactId:version[:classifier]} of an attached model (type {@code onnx}), such
 * as the last released one. The gate fails when the model's accuracy is below the baseline's by
 * more than {@code <maxAccuracyDrop>}, as MLflow's and TFX's "no worse than the baseline" gates do.
 */
final class BaselineModel {

    private BaselineModel() {
    }

    /** {@code [groupId, artifactId, version, classifier]} (classifier empty when absent), or null for a file path. */
    static String[] coordinates(String baseline) {
        String s = baseline.trim();
        if (Files.exists(Path.of(s)) || s.contains("/") || s.contains("\\") || s.endsWith(".onnx")) {
            return null;
        }
        String[] p = s.split(":", -1);
        if (p.length < 3 || p.length > 4) {
            return null;
        }
        for (String part : p) {
            if (part.isBlank()) {
                return null;
            }
        }
        return new String[] {p[0], p[1], p[2], p.length == 4 ? p[3] : ""};
    }

    /**
     * The baseline's ONNX file: the path itself, or the artifact resolved from the local and
     * remote repositories.
     */
    static Path resolve(String baseline, RepositorySystem system, RepositorySystemSession session,
                        List<RemoteRepository> remotes) throws MojoExecutionException {
        String[] c = coordinates(baseline);
        if (c == null) {
            Path p = Path.of(baseline.trim()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw new MojoExecutionException(PomErrors.describe("baseline", p + " does not exist; give an ONNX"
                        + " file or a coordinate groupId:artifactId:version[:classifier] of an attached model"));
            }
            return p;
        }
        if (system == null || session == null) {
            throw new MojoExecutionException(PomErrors.describe("baseline", "'" + baseline
                    + "' is a Maven coordinate, but no repository session is available; give an ONNX file instead"));
        }
        DefaultArtifact artifact = new DefaultArtifact(c[0], c[1], c[3], "onnx", c[2]);
        try {
            return system.resolveArtifact(session, new ArtifactRequest(artifact, remotes == null ? List.of() : remotes, null))
                    .getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new MojoExecutionException(PomErrors.describe("baseline", "cannot resolve " + artifact
                    + " (type onnx): " + e.getMessage()), e);
        }
    }

    /** The gate: {@code accuracy >= baselineAccuracy - maxDrop}. */
    static JUnitGates.Gate gate(String modelName, double accuracy, double baselineAccuracy, double maxDrop,
                                String baseline, Path model) {
        double threshold = baselineAccuracy - maxDrop;
        return JUnitGates.Gate.atLeast("accuracy >= baseline - maxAccuracyDrop " + AccuracyGate.plain(maxDrop),
                accuracy, threshold, "Model '" + modelName + "' fell below its baseline: test accuracy "
                        + AccuracyGate.accuracy(accuracy, threshold) + " < baseline "
                        + AccuracyGate.accuracy(baselineAccuracy, Double.NaN) + " - maxAccuracyDrop "
                        + AccuracyGate.plain(maxDrop) + " (model: " + model.toAbsolutePath() + ", baseline: " + baseline + ")");
    }
}
