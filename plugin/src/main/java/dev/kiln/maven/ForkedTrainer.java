package dev.kiln.maven;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs the forked trainer: streams its standard output line by line as it arrives (so progress
 * shows during a long build), keeps the tail of its standard error for the failure message, and
 * kills it if Maven itself is stopped.
 */
final class ForkedTrainer {

    /** How many standard-error lines are kept; a stack trace's tail is enough to explain a crash. */
    static final int STDERR_LINES = 200;

    /** Printed by every JVM that loads an incubator module; noise in a failure message. */
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules";

    /**
     * HotSpot's echo, on standard output, of the compiler directives file the trainer starts with
     * ({@code TrainerJvmOptions}); noise in the build log.
     */
    private static final Pattern DIRECTIVES_ECHO = Pattern.compile("\\d+ compiler directives added");

    /** End-of-output marker; compared by identity, so no line the child prints can equal it. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String END = new String("<end of output>");

    /**
     * How the child ended.
     *
     * @param exitCode its exit code
     * @param stderr   the last {@link #STDERR_LINES} lines of standard error, JVM noise removed
     * @param stdout   the last {@link #STDOUT_LINES} lines of standard output; the JVM prints its own
     *                 start-up errors ("Too small maximum heap") there, not to standard error
     */
    record Outcome(int exitCode, List<String> stderr, List<String> stdout) {

        Outcome(int exitCode, List<String> stderr) {
            this(exitCode, stderr, List.of());
        }
    }

    /** How many standard-output lines are kept for a failure message. */
    static final int STDOUT_LINES = 10;

    private ForkedTrainer() {
    }

    /**
     * Starts {@code command} in {@code workDir} and waits for it.
     *
     * @param stdout receives each standard-output line, on the calling thread
     * @param stderr receives each standard-error line (noise removed), on a helper thread
     * @throws IOException          when the JVM cannot be started
     * @throws InterruptedException when the build thread is interrupted; the child is destroyed first
     */
    static Outcome run(List<String> command, Path workDir, Consumer<String> stdout, Consumer<String> stderr)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        // Ctrl-C on Maven must not leave a trainer burning every core in the background
        Thread killer = new Thread(() -> destroy(p), "kiln-trainer-reaper");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            p.getOutputStream().close(); // the trainer reads no input; EOF at once rather than a hang
            // the child writes in the platform encoding (its default, as for any JVM on this machine)
            Charset cs = Charset.forName(System.getProperty("native.encoding", Charset.defaultCharset().name()));
            Deque<String> errTail = new ArrayDeque<>();
            Thread errPump = new Thread(() -> pump(p.getErrorStream(), cs, line -> {
                if (line.startsWith(INCUBATOR_WARNING)) {
                    return;
                }
                synchronized (errTail) {
                    if (errTail.size() == STDERR_LINES) {
                        errTail.removeFirst();
                    }
                    errTail.addLast(line);
                }
                stderr.accept(line);
            }), "kiln-trainer-stderr");
            errPump.setDaemon(true);
            errPump.start();

            // lines are handed to the calling thread so Maven logs them there, and so waiting
            // for the next line stays interruptible (a blocked read is not)
            BlockingQueue<String> out = new LinkedBlockingQueue<>();
            Thread outPump = new Thread(() -> {
                try {
                    pump(p.getInputStream(), cs, out::add);
                } finally {
                    out.add(END);
                }
            }, "kiln-trainer-stdout");
            outPump.setDaemon(true);
            outPump.start();
            Deque<String> outTail = new ArrayDeque<>();
            for (String line = out.take(); line != END; line = out.take()) {
                if (DIRECTIVES_ECHO.matcher(line).matches()) {
                    continue;
                }
                if (outTail.size() == STDOUT_LINES) {
                    outTail.removeFirst();
                }
                outTail.addLast(line);
                stdout.accept(line);
            }
            int code = p.waitFor();
            errPump.join(TimeUnit.SECONDS.toMillis(10));
            synchronized (errTail) {
                return new Outcome(code, List.copyOf(new ArrayList<>(errTail)), List.copyOf(outTail));
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            destroy(p);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it will do the cleanup
            }
        }
    }

    private static void pump(InputStream in, Charset cs, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, cs))) {
            String line;
            while ((line = r.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // the pipe breaks when the child is destroyed; its exit code tells the story
        }
    }

    /** Stops the child and anything it started, politely first. */
    static void destroy(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
