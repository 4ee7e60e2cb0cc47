package dev.kiln.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files the way every Kiln output is written: to a temporary file in the same folder,
 * forced to disk, then renamed over the target, so a reader (a CI server collecting JUnit XML, a
 * browser, the next build) never sees half a file and a killed build never leaves one.
 *
 * <p>Temporary files are named {@code .<target name>.<random>.tmp}: hidden, and never ending in
 * the target's extension, so nothing that looks for {@code *.onnx} or {@code *.json} mistakes a
 * leftover of a killed run for an output. {@link #deleteLeftovers} removes such leftovers.
 */
public final class AtomicFiles {

    /**
     * Test hook, {@code <suffix>:<millis>}: sleep that long after the temporary file of a target
     * whose name ends with {@code suffix} is complete and before the rename, so a test can kill the
     * process exactly there (e.g. {@code .onnx:60000}). Unset (the default) means no pause.
     */
    public static final String PAUSE_PROPERTY = "kiln.test.atomicWritePause";

    private static final String TMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    /** Produces a file's content into a stream. */
    @FunctionalInterface
    public interface Body {
        /** Writes the whole content to {@code out}; the caller closes it. */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code text} as UTF-8, creating missing folders.
     *
     * @param what names the file in the error message, e.g. {@code "HTML report"}
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writeString(Path file, String text, String what) {
        write(file, text.getBytes(StandardCharsets.UTF_8), what);
    }

    /**
     * Writes {@code bytes}, creating missing folders.
     *
     * @param what names the file in the error message
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, byte[] bytes, String what) {
        try {
            write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes what {@code body} produces, creating missing folders; on any failure the target is
     * left as it was and the temporary file is removed.
     *
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // a fresh name so concurrent writers never share a temp file; not Files.createTempFile:
        // its owner-only permissions would survive the rename
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + TMP_SUFFIX);
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                // on disk before the rename, so a crash cannot leave a renamed but empty file
                ch.force(true);
            }
            pauseForTests(target.getFileName().toString());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /**
     * Deletes temporary files that writes of {@code dir/<name>} left behind when their process
     * was killed. Only for targets no other live process is writing.
     *
     * @return how many were deleted
     */
    public static int deleteLeftovers(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + name + ".";
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String f = p.getFileName().toString();
                if (f.startsWith(prefix) && f.endsWith(TMP_SUFFIX) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void pauseForTests(String name) {
        String hook = System.getProperty(PAUSE_PROPERTY);
        int colon = hook == null ? -1 : hook.lastIndexOf(':');
        if (colon < 0 || !name.endsWith(hook.substring(0, colon))) {
            return;
        }
        try {
            Thread.sleep(Long.parseLong(hook.substring(colon + 1)));
        } catch (NumberFormatException ignored) {
            // a malformed test hook pauses nothing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
