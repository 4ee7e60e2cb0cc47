package dev.kiln.train;

/** Receives progress from a training run; the plugin forwards it to the Maven log. */
public interface TrainingListener {

    /** One human-readable line (kernel choice, dataset fetching, epoch summaries). */
    void log(String line);

    /** Called after each epoch's evaluation. */
    default void epochEnded(EpochStats stats) {
    }

    /** A listener that prints each line to standard output; used by the forked trainer. */
    static TrainingListener stdout() {
        return line -> {
            System.out.println(line);
            System.out.flush();
        };
    }
}
