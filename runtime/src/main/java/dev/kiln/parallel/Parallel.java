package dev.kiln.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's one worker pool. Work is expressed as a range of independent output chunks;
 * workers claim chunks dynamically (so a thread slowed by a noisy neighbour simply takes fewer),
 * and waiting threads park instead of spinning. Because a chunk's result never depends on which
 * thread computes it, results are bit-identical for every thread count.
 */
public final class Parallel implements AutoCloseable {

    /** A body executed for chunk indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private volatile boolean closed;

    // The current job; guarded by 'lock' for publication, then read by workers.
    private RangeBody body;
    private int total;
    private int grain;
    private long generation;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile Throwable failure;

    /**
     * @param threads total number of threads that compute, including the calling thread; at least 1
     */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workerLoop, "kiln-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Number of threads that compute, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of {@code grain} indices, and returns
     * when all chunks are done. Runs inline when there is one thread or one chunk.
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
        synchronized (lock) {
            this.body = body;
            this.total = n;
            this.grain = grain;
            this.failure = null;
            this.next.set(0);
            this.pending.set(workers.length);
            this.caller = Thread.currentThread();
            this.generation++;
            lock.notifyAll();
        }
        try {
            runChunks(body, n, grain);
        } catch (Throwable t) {
            failure = t;
            next.set(Integer.MAX_VALUE / 2);
        }
        while (pending.get() > 0) {
            LockSupport.park(this);
        }
        Throwable f = failure;
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

    private void runChunks(RangeBody b, int n, int g) {
        int chunks = (n + g - 1) / g;
        int c;
        while ((c = next.getAndIncrement()) < chunks) {
            int from = c * g;
            b.run(from, Math.min(n, from + g));
        }
    }

    private void workerLoop() {
        long seen = 0;
        while (true) {
            RangeBody b;
            int n;
            int g;
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
                b = body;
                n = total;
                g = grain;
            }
            try {
                runChunks(b, n, g);
            } catch (Throwable t) {
                failure = t;
                next.set(Integer.MAX_VALUE / 2);
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
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
