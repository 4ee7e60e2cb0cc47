package dev.kiln.spec;

/**
 * Where training data comes from: a catalog dataset by name, or the user's own four IDX files
 * (then {@code name} is only a label).
 *
 * @param name        catalog name ({@code mnist}, {@code fashion-mnist}) or a label for own files
 * @param trainImages own IDX file, or {@code null} for the catalog
 * @param trainLabels own IDX file, or {@code null}
 * @param testImages  own IDX file, or {@code null}
 * @param testLabels  own IDX file, or {@code null}
 * @param trainLimit  train on the first N images only ({@code 0} = all), for quick runs
 * @param inputMean   normalization: the model sees {@code (pixel/255 - inputMean) / inputStd}
 * @param inputStd    normalization divisor; {@code > 0}
 */
public record DataSpec(String name, String trainImages, String trainLabels, String testImages,
                       String testLabels, int trainLimit, double inputMean, double inputStd) {

    public static DataSpec catalog(String name) {
        return new DataSpec(name, null, null, null, null, 0, 0.0, 1.0);
    }

    /** True when the four files are given instead of a catalog name. */
    public boolean ownFiles() {
        return trainImages != null || trainLabels != null || testImages != null || testLabels != null;
    }

    public DataSpec withTrainLimit(int limit) {
        return new DataSpec(name, trainImages, trainLabels, testImages, testLabels, limit, inputMean, inputStd);
    }
}
