package dev.kiln.train;

/**
 * The heap is too small for the run, found before training starts rather than as an
 * {@link OutOfMemoryError} minutes into it. The message has the estimate and the heap.
 */
public class InsufficientMemoryException extends RuntimeException {

    private final long estimateBytes;
    private final long requiredBytes;
    private final long maxHeapBytes;

    /**
     * @param estimate the estimated need, in bytes
     * @param required the estimate with the safety margin, in bytes
     * @param maxHeap  the heap available ({@link Runtime#maxMemory()}), in bytes
     * @param message  the full explanation
     */
    public InsufficientMemoryException(long estimate, long required, long maxHeap, String message) {
        super(message);
        this.estimateBytes = estimate;
        this.requiredBytes = required;
        this.maxHeapBytes = maxHeap;
    }

    /** The estimated need, in bytes. */
    public long estimateBytes() {
        return estimateBytes;
    }

    /** The estimate with the safety margin: the smallest heap the check accepts. */
    public long requiredBytes() {
        return requiredBytes;
    }

    /** The heap that was available. */
    public long maxHeapBytes() {
        return maxHeapBytes;
    }
}
