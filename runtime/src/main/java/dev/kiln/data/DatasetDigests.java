package dev.kiln.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SHA-256 of a dataset's four files, keyed by role ({@value #TRAIN_IMAGES},
 * {@value #TRAIN_LABELS}, {@value #TEST_IMAGES}, {@value #TEST_LABELS}), so a report can record
 * exactly which data a model was trained on and a later build can tell whether it changed.
 *
 * <p>For catalog datasets the catalog's own checksums are used: the cache verifies every file
 * against them on load, so they are what was trained on, and no file needs reading (or
 * fetching) to know them. Own IDX files are hashed as they are on disk.
 */
public final class DatasetDigests {

    /** Role key of the training images. */
    public static final String TRAIN_IMAGES = "trainImages";
    /** Role key of the training labels. */
    public static final String TRAIN_LABELS = "trainLabels";
    /** Role key of the test images. */
    public static final String TEST_IMAGES = "testImages";
    /** Role key of the test labels. */
    public static final String TEST_LABELS = "testLabels";

    private DatasetDigests() {
    }

    /**
     * The catalog's checksums of a built-in dataset.
     *
     * @throws DatasetException for a name the catalog does not know
     */
    public static Map<String, String> catalog(String name) {
        DatasetSpec s = DatasetCatalog.builtIn(name);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TRAIN_IMAGES, s.trainImages().sha256());
        m.put(TRAIN_LABELS, s.trainLabels().sha256());
        m.put(TEST_IMAGES, s.testImages().sha256());
        m.put(TEST_LABELS, s.testLabels().sha256());
        return m;
    }

    /**
     * Hashes the user's own four files as stored (a gzipped file hashes as gzip).
     *
     * @throws UncheckedIOException when a file cannot be read
     */
    public static Map<String, String> files(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TRAIN_IMAGES, sha256(trainImages));
        m.put(TRAIN_LABELS, sha256(trainLabels));
        m.put(TEST_IMAGES, sha256(testImages));
        m.put(TEST_LABELS, sha256(testLabels));
        return m;
    }

    /**
     * Lower-case hex SHA-256 of one file.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static String sha256(Path file) {
        try {
            return Sha256.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to hash it: " + e.getMessage(), e);
        }
    }

    /**
     * One SHA-256 over all entries ({@code role=sha256} lines in the map's order): a single value
     * to show in a log line.
     */
    public static String combined(Map<String, String> digests) {
        MessageDigest md = Sha256.newDigest();
        digests.forEach((k, v) -> md.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
        return Sha256.hex(md.digest());
    }
}
