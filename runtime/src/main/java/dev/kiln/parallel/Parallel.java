package dev.kiln.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's one worker pool. Work is expressed as a range of independent output chunks;
 * threads claim chunks dynamically, so a worker slowed or descheduled by a noisy neighbour just
 * takes fewer of them, and the caller waits only for chunks actually in progress, never for a
 * worker that has not woken up yet. Waiting threads park instead of spinning. Because a chunk's
 * result never depends on which thread computes it, results are bit-identical for every thread
 * count.
 */
public final class Parallel implements AutoCloseable {

    /** A body executed for chunk indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** One {@link #forRange} call: its own counters, so a late worker can never touch a newer job. */
    private static final class Job {
        final RangeBody body;
        final int n;
        final int grain;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(RangeBody body, int n, int grain, Thread caller) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.chunks = (n + grain - 1) / grain;
            this.caller = caller;
        }

        /** Claims and runs chunks until none are left; after a failure, claims without running. */
        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure == null) {
                        int from = c * grain;
                        body.run(from, Math.min(n, from + grain));
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (done.incrementAndGet() == chunks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    private final int threads;
    private final Object lock = new Object();
    private boolean closed;
    private Job current;
    private long generation;

    /**
     * @param threads total number of threads that compute, including the calling thread; at least 1
     */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        for (int i = 1; i < threads; i++) {
            Thread t = new Thread(this::workerLoop, "kiln-worker-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Number of threads that compute, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of {@code grain} indices, and returns
     * when all chunks are done. Runs inline when there is one thread or one chunk. The first
     * exception thrown by a chunk is rethrown here after the remaining chunks are skipped.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        grain = Math.max(1, grain);
        if (threads == 1 || n <= grain) {
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, grain, Thread.currentThread());
        synchronized (lock) {
            current = job;
            generation++;
            lock.notifyAll();
        }
        job.work();
        while (job.done.get() < job.chunks) {
            LockSupport.park(this);
        }
        Throwable f = job.failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }

    /** Splits {@code n} outputs into about four chunks per thread, at least {@code minGrain} each. */
    public int grainFor(int n, int minGrain) {
        return Math.max(minGrain, (n + threads * 4 - 1) / (threads * 4));
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            Job job;
            synchronized (lock) {
                while (!closed && generation == seen) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                job = current;
            }
            job.work();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
