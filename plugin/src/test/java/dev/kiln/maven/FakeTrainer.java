package dev.kiln.maven;

/**
 * Stands in for {@code TrainMain} in process tests: {@code FakeTrainer <exitCode> <stderrLine>}
 * prints two progress lines a moment apart, then the error line, then exits.
 */
public final class FakeTrainer {

    private FakeTrainer() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("Epoch 1/2: first");
        System.out.flush();
        Thread.sleep(Long.getLong("fake.pause", 800));
        System.out.println("Epoch 2/2: second é");
        if (args.length > 1) {
            System.err.println(args[1]);
        }
        System.exit(Integer.parseInt(args[0]));
    }
}
