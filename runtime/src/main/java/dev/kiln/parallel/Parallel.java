package dev.kiln.parallel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's one worker pool. Work is expressed as a range of independent output chunks;
 * threads claim chunks dynamically, so a worker slowed or descheduled by a noisy neighbour just
 * takes fewer of them, and the caller waits only for chunks actually in progress, never for a
 * worker that has not woken up yet. Waiting threads park instead of spinning. Because a chunk's
 * result never depends on which thread computes it, results are bit-identical for every thread
 * count.
 *
 * <p>A job's chunks are cut into one home block per thread, in order: thread {@code t} (the
 * caller is thread 0) claims its own block's chunks first and only then the others'. So when the
 * layers of a step split the same samples the same way, each thread mostly reads what it wrote
 * itself, and less data crosses between the cores. On the 2-vCPU host, whose cross-core traffic
 * is twice as slow in its slow state, the CNN's step scaled 1.84–1.88× from 1 to 2 threads
 * against 1.69–1.86× with chunks claimed in one shared order (StepScaling, 6 pairs of JVMs in
 * turn; the pairs differed in the slow state).
 *
 * <p>A {@link #forRange} call allocates nothing: the pool has one job slot, reused by every call.
 * Each call gets a new generation number, and a chunk is claimed by a compare-and-set on a
 * counter that carries the generation, so a late worker still holding an older job can never
 * claim (or run) a chunk of a newer one. A call made while the slot is in use (from inside a
 * body, or from a second thread) runs its chunks on its own thread, in order.
 */
public final class Parallel implements AutoCloseable {

    /** A body executed for chunk indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    /** While set, every body runs on its caller, as on one thread ({@link #runInline}). */
    private volatile boolean inline;
    private final Object lock = new Object();
    private volatile boolean closed;
    /** Incremented (under {@link #lock}) for every job posted to the workers; read unlocked while spinning. */
    private volatile long generation;

    /**
     * How long an idle worker, or a caller waiting for the last chunks, spins before it parks.
     * Training posts jobs back to back (tens per batch, a few hundred microseconds each); a worker
     * that parked after each one took longer to wake than the job lasted and ran almost none of
     * it (MLP epoch: 3.8 s on 1 thread and 3.7 s on 2). Bounded, so an idle pool costs nothing.
     * Bodies that wait for each other (the shared-B GEMM's tasks) bound their spinning the same way.
     */
    public static final long SPIN_NANOS = 200_000;

    // The posted job: written by its caller under the lock, read by workers under the lock.
    private RangeBody body;
    private int n;
    private int grain;
    private int chunks;
    private Thread caller;

    /**
     * Per home block, at index {@code block * SLOT}: the job's generation (high 32 bits) and the
     * block's next unclaimed chunk (low 32 bits). One cache line per block, so threads claiming
     * in their own blocks do not contend.
     */
    private final AtomicLongArray next;
    private static final int SLOT = 8;
    /** Chunks of the current job finished (run, or skipped after a failure). */
    private final AtomicInteger done = new AtomicInteger();
    private volatile Throwable failure;
    /** Held by the call that owns the job slot. */
    private final AtomicBoolean busy = new AtomicBoolean();

    /**
     * @param threads total number of threads that compute, including the calling thread; at least 1
     */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.next = new AtomicLongArray(threads * SLOT);
        for (int i = 1; i < threads; i++) {
            int home = i;
            Thread t = new Thread(() -> workerLoop(home), "kiln-worker-" + i);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Number of threads that compute, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * While {@code inline} is set, {@link #forRange} runs every body on its calling thread, as a
     * one-thread pool would, and the workers stay parked; the results are the same either way.
     * For leaving the other cores to the JIT while it compiles at the start of training.
     */
    public void runInline(boolean inline) {
        this.inline = inline;
    }

    /** Whether {@link #forRange} currently runs every body on its caller ({@link #runInline}). */
    public boolean runsInline() {
        return inline;
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
        if (threads == 1 || n <= grain || inline) {
            body.run(0, n);
            return;
        }
        if (!busy.compareAndSet(false, true)) {
            // nested in a body, or a second caller: the slot is taken, so this thread does it all
            for (int from = 0; from < n; from += grain) {
                body.run(from, Math.min(n, from + grain));
            }
            return;
        }
        try {
            int chunks = (n + grain - 1) / grain;
            Thread me = Thread.currentThread();
            int gen;
            synchronized (lock) {
                gen = (int) ++generation;
                this.body = body;
                this.n = n;
                this.grain = grain;
                this.chunks = chunks;
                this.caller = me;
                failure = null;
                done.set(0);
                for (int b = 0; b < threads; b++) {
                    next.set(b * SLOT, (long) gen << 32 | blockStart(b, chunks, threads));
                }
                lock.notifyAll();
            }
            work(gen, body, n, grain, chunks, me, 0);
            if (done.get() < chunks) {
                long until = System.nanoTime() + SPIN_NANOS;
                while (done.get() < chunks && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                while (done.get() < chunks) {
                    LockSupport.park(this);
                }
            }
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * First chunk of thread {@code block}'s home block when {@code chunks} are cut into
     * {@code threads} blocks: {@code ⌊block·chunks/threads⌋}. Public so that work cut the same way
     * outside a job (a wide dense layer's parts, a GEMM's column blocks) lines up with the home
     * blocks of the jobs around it.
     */
    public static int blockStart(int block, int chunks, int threads) {
        return (int) ((long) block * chunks / threads);
    }

    /**
     * Claims and runs chunks of job {@code gen}, those of block {@code home} first, then of the
     * blocks after it, until none are left or a newer job replaced it; after a failure, claims
     * without running.
     */
    private void work(int gen, RangeBody body, int n, int grain, int chunks, Thread caller, int home) {
        for (int i = 0; i < threads; i++) {
            int block = (home + i) % threads;
            if (!workBlock(gen, body, n, grain, chunks, caller, block)) {
                return;
            }
        }
    }

    /** Runs block {@code block}'s unclaimed chunks; false once a newer job has replaced {@code gen}. */
    private boolean workBlock(int gen, RangeBody body, int n, int grain, int chunks, Thread caller, int block) {
        int end = blockStart(block + 1, chunks, threads);
        int at = block * SLOT;
        while (true) {
            long v = next.get(at);
            int c = (int) v;
            if ((int) (v >>> 32) != gen) {
                return false;
            }
            if (c >= end) {
                return true;
            }
            if (!next.compareAndSet(at, v, v + 1)) {
                continue;
            }
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

    /** Splits {@code n} outputs into about four chunks per thread, at least {@code minGrain} each. */
    public int grainFor(int n, int minGrain) {
        return Math.max(minGrain, (n + threads * 4 - 1) / (threads * 4));
    }

    private void workerLoop(int home) {
        long seen = 0;
        while (true) {
            int gen;
            RangeBody b;
            int jobN;
            int jobGrain;
            int jobChunks;
            Thread jobCaller;
            long until = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
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
                gen = (int) seen;
                b = body;
                jobN = n;
                jobGrain = grain;
                jobChunks = chunks;
                jobCaller = caller;
            }
            work(gen, b, jobN, jobGrain, jobChunks, jobCaller, home);
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
