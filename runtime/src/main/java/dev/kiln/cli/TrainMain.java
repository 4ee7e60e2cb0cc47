package dev.kiln.cli;

import dev.kiln.data.DatasetException;
import dev.kiln.spec.SpecException;
import dev.kiln.spec.TrainingSpec;
import dev.kiln.train.CheckpointException;
import dev.kiln.train.DivergenceException;
import dev.kiln.train.InsufficientMemoryException;
import dev.kiln.train.TrainingJob;
import dev.kiln.train.TrainingListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the forked trainer JVM:
 * {@code TrainMain <spec-file> <output-dir> <dataset-cache> [--resume]}. With {@code --resume} the
 * run continues from {@code <output-dir>/<name>.ckpt} when there is one; it is an argument, not
 * part of the spec, so it never changes the spec fingerprint.
 * Progress lines go to standard output; on failure one line with the reason goes to standard error.
 * Exit codes: 0 done, 2 bad spec or data, 3 training diverged, 4 heap too small for the run,
 * 5 unusable checkpoint, 1 anything else.
 */
public final class TrainMain {

    /** Exit code for a bad spec or bad data. */
    public static final int EXIT_INPUT = 2;
    /** Exit code for a diverged run. */
    public static final int EXIT_DIVERGED = 3;
    /** Exit code for a heap that is too small for the run, found before training. */
    public static final int EXIT_MEMORY = 4;
    /** Exit code for a checkpoint that cannot be resumed from. */
    public static final int EXIT_CHECKPOINT = 5;
    /** The optional last argument that resumes from the checkpoint. */
    public static final String RESUME = "--resume";

    private TrainMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the job and returns the process exit code. */
    public static int run(String[] args) {
        boolean resume = args.length == 4 && RESUME.equals(args[3]);
        if (args.length != 3 && !resume) {
            System.err.println("usage: TrainMain <spec-file> <output-dir> <dataset-cache> [" + RESUME + "]");
            return EXIT_INPUT;
        }
        try {
            TrainingSpec spec = TrainingSpec.parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
            TrainingJob.run(spec, Path.of(args[1]), Path.of(args[2]), TrainingListener.stdout(),
                    TrainingJob.Options.DEFAULT.withResume(resume));
            return 0;
        } catch (SpecException | DatasetException e) {
            System.err.println(e.getMessage());
            return EXIT_INPUT;
        } catch (DivergenceException e) {
            System.err.println(e.getMessage());
            return EXIT_DIVERGED;
        } catch (InsufficientMemoryException e) {
            System.err.println(e.getMessage());
            return EXIT_MEMORY;
        } catch (CheckpointException e) {
            System.err.println(e.getMessage());
            return EXIT_CHECKPOINT;
        } catch (IOException e) {
            System.err.println("Cannot read the spec file " + args[0] + ": " + e.getMessage());
            return EXIT_INPUT;
        } catch (RuntimeException | OutOfMemoryError e) {
            System.err.println("Training failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }
}
