package dev.kiln.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpochProgressTest {

    private long now;

    @Test
    void printsAtMostOncePerIntervalWithRateLossAndEta() {
        List<String> lines = new ArrayList<>();
        EpochProgress p = EpochProgress.every(10_000_000_000L, 3, () -> now, lines::add);
        // 100 batches of 50 images, one every 0.5 s
        for (int b = 1; b <= 100; b++) {
            now = b * 500_000_000L;
            p.batchDone(2, b, 100, b * 50, 0.5);
        }
        // started after batch 1 (t=0.5 s): lines at t>=10.5 s (batch 21), 20.5 s (41), 30.5 (61), 40.5 (81)
        assertEquals(List.of(
                "Epoch 2/3: batch 21/100, 100 images/s, running loss 0.5000, ETA 40 s",
                "Epoch 2/3: batch 41/100, 100 images/s, running loss 0.5000, ETA 30 s",
                "Epoch 2/3: batch 61/100, 100 images/s, running loss 0.5000, ETA 20 s",
                "Epoch 2/3: batch 81/100, 100 images/s, running loss 0.5000, ETA 10 s"), lines);
    }

    @Test
    void aShortEpochPrintsNothingAndANewEpochRestartsTheClock() {
        List<String> lines = new ArrayList<>();
        EpochProgress p = EpochProgress.every(10_000_000_000L, 2, () -> now, lines::add);
        for (int b = 1; b <= 5; b++) {
            now = b * 1_000_000_000L;
            p.batchDone(1, b, 5, b * 10, 1.0);
        }
        now = 100_000_000_000L;
        p.batchDone(2, 1, 5, 10, 1.0);
        assertEquals(List.of(), lines);
    }
}
