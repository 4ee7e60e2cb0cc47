package dev.kiln.maven;

import java.nio.file.Path;

/**
 * Where downloaded datasets are kept when {@code <datasets>} is not set. One place so it can
 * follow the runtime's catalog once that defines the default.
 */
final class DatasetCache {

    private DatasetCache() {
    }

    /** {@code ~/.kiln/datasets}: shared by every project on the machine, like the local repository. */
    static Path defaultDir() {
        // TODO point at dev.kiln.data.DatasetCatalog.defaultCacheDir() once the data branch lands
        return Path.of(System.getProperty("user.home"), ".kiln", "datasets");
    }
}
