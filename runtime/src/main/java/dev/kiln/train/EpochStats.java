package dev.kiln.train;

/**
 * What one epoch measured.
 *
 * @param epoch           1-based epoch number
 * @param seconds         wall time of the training pass (evaluation excluded)
 * @param imagesPerSecond training images per second
 * @param trainLoss       mean training loss over the epoch
 * @param testLoss        mean cross-entropy on the test set after the epoch
 * @param testAccuracy    fraction of test images classified correctly after the epoch
 */
public record EpochStats(int epoch, double seconds, double imagesPerSecond, double trainLoss,
                         double testLoss, double testAccuracy) {

    /** The progress line printed after each epoch. */
    public String line(int epochs) {
        return String.format(java.util.Locale.ROOT,
                "Epoch %d/%d: train loss %.4f, test loss %.4f, test accuracy %.4f, %.0f images/s, %.1f s",
                epoch, epochs, trainLoss, testLoss, testAccuracy, imagesPerSecond, seconds);
    }
}
