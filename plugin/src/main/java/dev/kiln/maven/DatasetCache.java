package dev.kiln.maven;

import dev.kiln.data.DatasetCatalog;

import java.nio.file.Path;

/**
 * Where downloaded datasets are kept when {@code <datasets>} is not set: the runtime catalog's
 * default, so the plugin, the forked trainer and command-line users share one cache.
 */
final class DatasetCache {

    private DatasetCache() {
    }

    /** {@code ~/.kiln/datasets} unless the {@code dl.datasets} system property says otherwise. */
    static Path defaultDir() {
        return DatasetCatalog.defaultCacheDir();
    }
}
