package dev.kiln.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes report files the way every Kiln output is written: to a temporary file in the same
 * folder, then renamed over the target, so a reader (a CI server collecting JUnit XML, a browser)
 * never sees half a file and a killed build never leaves one.
 */
public final class AtomicFiles {

    private AtomicFiles() {
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
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // not Files.createTempFile: its owner-only permissions would survive the rename
            tmp = dir.resolve("." + file.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }
}
