package dev.kiln.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external tool (npm, apt-get, dpkg) with a deadline, keeping its output for errors. */
final class ProcessRunner {
  private ProcessRunner() {}

  /**
   * @throws IOException when the tool is missing, times out or exits non-zero; the message has
   *     the tail of its output on one line
   */
  static void run(List<String> command, Path dir, Duration timeout) throws IOException {
    Path output = dir.resolve(".output-" + command.get(0).replaceAll("[^A-Za-z0-9-]", "") + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(command.get(0) + " is not available (" + e.getMessage() + ")", e);
    }
    p.getOutputStream().close(); // no input: a prompt must fail, not wait forever
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " was interrupted", e);
    }
    if (!done) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " timed out after "
          + timeout.toSeconds() + " s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
          + tail(output));
    }
  }

  /** The last few hundred characters, on one line: enough to see why without flooding a log. */
  private static String tail(Path output) {
    try {
      String s = Files.readString(output, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
      return s.length() > 300 ? "..." + s.substring(s.length() - 300) : s;
    } catch (IOException e) {
      return "(no output)";
    }
  }
}
