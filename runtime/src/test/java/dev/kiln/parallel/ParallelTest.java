package dev.kiln.parallel;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {

    /**
     * While inline, every chunk runs on the caller, even chunks slow enough for a worker to take
     * some (20 chunks of 5 ms); once cleared, the workers take their share again.
     */
    @Test
    void inlineRunsEveryChunkOnTheCaller() {
        try (Parallel p = new Parallel(2)) {
            Thread me = Thread.currentThread();
            p.runInline(true);
            assertTrue(p.runsInline());
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            p.forRange(20, 1, (from, to) -> {
                ran.add(Thread.currentThread());
                sleep(5);
            });
            assertEquals(Set.of(me), ran, "inline: the caller alone");
            p.runInline(false);
            assertFalse(p.runsInline());
            ran.clear();
            p.forRange(20, 1, (from, to) -> {
                ran.add(Thread.currentThread());
                sleep(5);
            });
            assertEquals(2, ran.size(), "not inline: the worker takes chunks too");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Each thread runs its own home block: with 4 chunks on 2 threads, the caller takes chunks 0
     * and 1 and the worker 2 and 3. Every chunk waits until the other thread is inside a chunk
     * too, so neither can finish its block alone and start on the other's; with one shared
     * claiming order, chunks 0 and 1 would go to different threads.
     */
    @Test
    void eachThreadRunsItsHomeBlock() throws Exception {
        try (Parallel p = new Parallel(2)) {
            for (int round = 0; round < 20; round++) {
                Thread[] ranBy = new Thread[4];
                CyclicBarrier pair = new CyclicBarrier(2);
                p.forRange(4, 1, (from, to) -> {
                    ranBy[from] = Thread.currentThread();
                    try {
                        pair.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(Thread.currentThread(), ranBy[0], "round " + round);
                assertEquals(Thread.currentThread(), ranBy[1], "round " + round);
                assertNotEquals(Thread.currentThread(), ranBy[2], "round " + round);
                assertEquals(ranBy[2], ranBy[3], "round " + round);
            }
        }
    }

    @Test
    void blocksCoverTheChunksInOrder() {
        assertEquals(0, Parallel.blockStart(0, 7, 2));
        assertEquals(3, Parallel.blockStart(1, 7, 2));
        assertEquals(7, Parallel.blockStart(2, 7, 2));
        assertEquals(1, Parallel.blockStart(1, 5, 5));
        assertEquals(0, Parallel.blockStart(1, 1, 3), "fewer chunks than threads: empty blocks first");
        assertEquals(1, Parallel.blockStart(3, 1, 3));
    }

    @Test
    void everyIndexRunsExactlyOnceAtAnyThreadCount() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (Parallel p = new Parallel(threads)) {
                for (int round = 0; round < 50; round++) {
                    int n = 1 + round * 37;
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    p.forRange(n, 1 + round % 7, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " i=" + i);
                    }
                }
            }
        }
    }

    @Test
    void aFailureInAWorkerReachesTheCaller() {
        try (Parallel p = new Parallel(3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                    p.forRange(1000, 10, (from, to) -> {
                        if (from <= 500 && 500 < to) {
                            throw new IllegalStateException("boom");
                        }
                    }));
            assertEquals("boom", e.getMessage());
            // the pool is still usable afterwards
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            p.forRange(100, 3, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void aCallFromInsideABodyRunsOnItsOwnThread() {
        try (Parallel p = new Parallel(3)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(40 * 30);
            p.forRange(40, 2, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int row = i;
                    p.forRange(30, 4, (f, t) -> {
                        for (int j = f; j < t; j++) {
                            hits.incrementAndGet(row * 30 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i), "i=" + i);
            }
        }
    }

    @Test
    void twoCallersAtOnceBothFinish() throws InterruptedException {
        try (Parallel p = new Parallel(2)) {
            AtomicIntegerArray a = new AtomicIntegerArray(5000);
            AtomicIntegerArray b = new AtomicIntegerArray(5000);
            Thread other = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    int r = round;
                    p.forRange(25, 1, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            b.incrementAndGet(r * 25 + i);
                        }
                    });
                }
            });
            other.start();
            for (int round = 0; round < 200; round++) {
                int r = round;
                p.forRange(25, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        a.incrementAndGet(r * 25 + i);
                    }
                });
            }
            other.join();
            for (int i = 0; i < 5000; i++) {
                assertEquals(1, a.get(i), "a " + i);
                assertEquals(1, b.get(i), "b " + i);
            }
        }
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> new Parallel(0));
    }
}
