package dev.kiln.train;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress inside an epoch: a line at most every {@code interval} of wall time with the batch
 * count, throughput, running loss and the time left in the epoch. Plain lines, no carriage
 * returns, so it reads the same in a terminal, a batch-mode Maven log and a CI console.
 */
public interface EpochProgress {

    /** Reports nothing. */
    EpochProgress NONE = (epoch, batch, batches, images, runningLoss) -> { };

    /**
     * Called after every batch.
     *
     * @param epoch       1-based epoch
     * @param batch       batches done in this epoch
     * @param batches     batches in the epoch
     * @param images      images done in this epoch
     * @param runningLoss mean training loss of the epoch so far
     */
    void batchDone(int epoch, int batch, int batches, int images, double runningLoss);

    /**
     * Prints to {@code out} at most once per {@code intervalNanos}, measured from the epoch's
     * first batch; the last batch is left to the epoch summary line.
     */
    static EpochProgress every(long intervalNanos, int epochs, LongSupplier clock, Consumer<String> out) {
        return new EpochProgress() {
            private int epoch = -1;
            private long start;
            private int startBatch;
            private int startImages;
            private long next;

            @Override
            public void batchDone(int e, int batch, int batches, int images, double runningLoss) {
                long now = clock.getAsLong();
                if (e != epoch) {
                    // the first call of an epoch comes after its first batch: close enough as a start
                    epoch = e;
                    start = now;
                    startBatch = batch;
                    startImages = images;
                    next = now + intervalNanos;
                    return;
                }
                if (now < next || batch == batches) {
                    return;
                }
                next = now + intervalNanos;
                double seconds = (now - start) / 1e9;
                double perBatch = seconds / (batch - startBatch);
                out.accept(String.format(Locale.ROOT,
                        "Epoch %d/%d: batch %d/%d, %.0f images/s, running loss %.4f, ETA %.0f s",
                        e, epochs, batch, batches, (images - startImages) / seconds, runningLoss,
                        perBatch * (batches - batch)));
            }
        };
    }
}
