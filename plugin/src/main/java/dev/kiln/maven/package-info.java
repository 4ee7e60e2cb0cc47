/**
 * The {@code dl} Maven goals. Mojos here stay thin: they map POM configuration to a
 * {@link dev.kiln.spec.TrainingSpec}, run the runtime (in a forked JVM by default) and turn the
 * outcome into a build result. Everything Maven-specific lives in this package so the runtime
 * never sees the Maven API.
 */
package dev.kiln.maven;
