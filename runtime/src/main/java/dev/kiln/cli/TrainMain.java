package dev.kiln.cli;

/**
 * Entry point of the forked trainer JVM: {@code TrainMain <spec-file> <output-dir> <dataset-cache>}.
 * Progress lines go to standard output; on failure one line with the reason goes to standard error.
 * Exit codes: 0 done, 2 bad spec or data, 3 training diverged, 1 anything else.
 */
public final class TrainMain {

    private TrainMain() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("lands with the trainer");
    }
}
