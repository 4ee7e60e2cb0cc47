package dev.kiln.train;

import dev.kiln.KilnVersion;
import dev.kiln.data.DatasetDigests;
import dev.kiln.spec.DataSpec;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a trained model was made from besides its spec: the SHA-256 of each dataset file and the
 * Kiln version. Together with the spec fingerprint, this is what a later build compares to decide
 * whether the model is up to date.
 *
 * @param kilnVersion   the runtime's version ({@link KilnVersion#get()})
 * @param datasetSha256 SHA-256 of each dataset file by role ({@link DatasetDigests})
 */
public record Provenance(String kilnVersion, Map<String, String> datasetSha256) {

    /** Copies the map, keeping its order. */
    public Provenance {
        datasetSha256 = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasetSha256));
    }

    /**
     * The provenance of a run on {@code data} with this runtime: the catalog's checksums for a
     * catalog dataset, hashes of the files for own IDX files.
     *
     * @throws java.io.UncheckedIOException when an own file cannot be read
     * @throws dev.kiln.data.DatasetException for an unknown catalog name
     */
    public static Provenance of(DataSpec data) {
        return new Provenance(KilnVersion.get(), digests(data));
    }

    /** The dataset digests alone, as {@link #of} computes them. */
    public static Map<String, String> digests(DataSpec data) {
        if (data.ownFiles()) {
            return DatasetDigests.files(Path.of(data.trainImages()), Path.of(data.trainLabels()),
                    Path.of(data.testImages()), Path.of(data.testLabels()));
        }
        return DatasetDigests.catalog(data.name());
    }
}
