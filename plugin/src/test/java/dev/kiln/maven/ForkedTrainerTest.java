package dev.kiln.maven;

import dev.kiln.cli.TrainerJvmOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForkedTrainerTest {

    @TempDir
    Path dir;

    private static List<String> fake(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ForkCommand.defaultJvm().toString(),
                "--add-modules", "jdk.incubator.vector", // its stderr warning must not reach the user
                "-cp", ForkCommand.codeSource(FakeTrainer.class).toString(), FakeTrainer.class.getName()));
        Collections.addAll(cmd, args);
        return cmd;
    }

    @Test
    void streamsOutputAsItArrivesAndReportsTheExitCode() throws Exception {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        long[] firstLineAt = new long[1];
        ForkedTrainer.Outcome o = ForkedTrainer.run(fake("0"), dir, line -> {
            if (out.isEmpty()) {
                firstLineAt[0] = System.nanoTime();
            }
            out.add(line);
        }, line -> { });
        long end = System.nanoTime();
        assertEquals(0, o.exitCode());
        assertEquals(List.of("Epoch 1/2: first", "Epoch 2/2: second é"), out);
        assertEquals(List.of(), o.stderr(), "the incubator warning is filtered");
        assertTrue(end - firstLineAt[0] > 400_000_000L, "first line must be logged before the child ends, not after");
    }

    /** The trainer's JVM options, compiler directives and all, add nothing to the build log. */
    @Test
    void theJvmsEchoOfTheCompilerDirectivesIsFiltered() throws Exception {
        TrainerJvmOptions.writeDirectives(dir);
        List<String> cmd = fake("0");
        cmd.addAll(3, TrainerJvmOptions.options(dir));
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        ForkedTrainer.Outcome o = ForkedTrainer.run(cmd, dir, out::add, line -> { });
        assertEquals(0, o.exitCode());
        assertEquals(List.of("Epoch 1/2: first", "Epoch 2/2: second é"), out);
        assertEquals(out, o.stdout());
    }

    @Test
    void capturesStandardErrorAndNonZeroExit() throws Exception {
        List<String> err = Collections.synchronizedList(new ArrayList<>());
        ForkedTrainer.Outcome o = ForkedTrainer.run(fake("3", "loss became NaN in epoch 1"), dir, line -> { }, err::add);
        assertEquals(3, o.exitCode());
        assertEquals(List.of("loss became NaN in epoch 1"), o.stderr());
        assertEquals(List.of("loss became NaN in epoch 1"), err);
    }

    @Test
    void interruptionDestroysTheChild() throws Exception {
        List<String> cmd = fake("0");
        cmd.add(1, "-Dfake.pause=60000");
        Thread runner = Thread.currentThread();
        long start = System.nanoTime();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException ignored) {
                return;
            }
            runner.interrupt();
        });
        interrupter.start();
        boolean interrupted = false;
        try {
            ForkedTrainer.run(cmd, dir, line -> { }, line -> { });
        } catch (InterruptedException e) {
            interrupted = true;
        }
        assertTrue(interrupted, "the interruption reaches the caller");
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "did not wait for the child's 60 s pause");
        assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), "no trainer left running");
    }
}
