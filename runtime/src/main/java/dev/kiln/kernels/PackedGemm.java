package dev.kiln.kernels;

import dev.kiln.parallel.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Packed, cache-blocked, register-blocked SGEMM with the BLIS/GotoBLAS loop structure, for
 * {@link VectorKernels}. For one range of C rows:
 * <pre>
 * for jc in NC blocks of columns:
 *   for pc in KC blocks of the reduction:
 *     pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide strips (zero-padded to a whole strip)
 *     for ic in MC blocks of the rows:
 *       pack op(A)[ic:ic+mc, pc:pc+kc] row by row (zero rows up to a whole MR-row strip)
 *       for each NR strip, for each MR strip: the MR×NR micro-kernel over kc
 * </pre>
 * Transposition is handled while packing, so no transposed copy of an operand is ever made; nor
 * is a convolution's im2col unfolding: {@link #gemmUnfolded} packs it from the sample itself.
 *
 * <p><b>Bits.</b> Every C element is one unbroken chain of fused multiply-adds over
 * {@code p = 0..k-1} in order, starting from 0 (or from the old C value when accumulating):
 * between KC blocks the partial sum is stored in C as a float and reloaded, which rounds
 * nothing. Padding adds lanes and rows that are never stored; tiles cut by the edge of C run
 * the same chain on a scratch tile (or, for a narrow last strip, one vector of columns at a
 * time). So an element's result depends neither on the row
 * split nor on its place in a tile, and equals what the unpacked path in {@link VectorKernels}
 * computes for it (which performs the same chain), so the two may be chosen per call.
 *
 * <p><b>Memory.</b> The packing buffers are allocated once per thread (a {@link ThreadLocal}:
 * the pool's workers and the caller live as long as the JVM) and reused by every call, so a
 * call allocates nothing. They are sized by the block constants, not by the operands; only a
 * convolution's index maps and zero-bordered sample copy grow to the largest window a thread has
 * seen, once.
 */
final class PackedGemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /**
     * Micro-tile: 8 rows × 3 vectors (48 floats with 512-bit vectors) = 24 accumulators, plus 3 B
     * vectors and one broadcast, of the 32 vector registers. Measured against 12×2, 6×4, 4×3,
     * 4×6 and 3×8 (the last two spill): 8×3 was fastest.
     */
    static final int MR = 8;
    private static final int NRV = 3;
    static final int NR = NRV * L;
    /**
     * Widest edge strip {@link #edge} computes with the one-vector {@link #narrowKernel} rather than
     * as a whole tile: two vectors. A whole tile for a 32-column strip cost more than a whole
     * strip (64×80×512 took 28.4 µs against 26.3 for 64×96×512), and the CNN's dense layer has
     * one in every product (128 columns: two strips and 32). One thread, JMH, 2 forks each,
     * against one vector: 64×128×2304 (the wide layer's forward part) +4–6 %, 64×80×512
     * +9–15 %, 64×512×512 +1–5 %, 64×512×784 +3–4 %; the eighth session had measured 512³ and
     * 64×512×784 no faster, before the forward pass read B in place.
     */
    private static final int NARROW = 2 * L;

    /**
     * Reduction block. Longer blocks mean fewer passes of each C tile through the micro-kernel
     * (24 loads and 24 stores per pass), and the 192 KB strip of B it reads streams well from L2.
     * On the AMD Zen 5 host (1 MB L2), one thread, one JVM, 10-20 alternating rounds: KC 512
     * against 192 made 1024³ 1.04–1.05× as fast, the MLP's {@code X·W} 64×512×784 1.07–1.08×,
     * {@code dY·Wᵀ} 32×512×512 1.06×, the CNN's dense 64×128×9216 1.06×, and the shared-B product
     * at 2 threads 1.05×; KC 1024 against 512 then 1024³ 1.02–1.03× (2 threads too), 64×512×784
     * 1.02×, 64×128×9216 1.02×, and no shape slower. 768 lost to 512 at 1024³ (a 256-deep
     * remainder); cutting {@code k} into equal blocks gained nothing. (On an Intel host earlier,
     * KC 128–512 had measured within noise of each other.)
     */
    static final int KC = 1024;
    /** Row block: the packed MC×KC block of A (384 KB) stays in L2. */
    static final int MC = 96;
    /**
     * Column block: the packed KC×NC panel of B (3 MB; it stays in L3). Half as many columns
     * measured the same within 1–2 %.
     */
    static final int NC = 16 * NR;
    /**
     * Where a packed panel of B starts in its array: on a cache line where the JVM's layout tells
     * ({@link LineAlignment}), so that with strips of {@code kc·NR} floats (a multiple of 16)
     * every vector load of B in the micro-kernel is whole.
     */
    static final int PANEL_BASE = LineAlignment.FIRST_LINE_FLOAT;

    /** Floats of one packed KC×NC panel of B, starting at {@link #PANEL_BASE}. */
    private static final int PANEL_FLOATS = PANEL_BASE + KC * NC;

    /** A buffer for one packed KC×NC panel of B, starting at {@link #PANEL_BASE}. */
    private static float[] newPanel() {
        return new float[PANEL_FLOATS];
    }

    /**
     * Whether a transposed operand (op(B) for {@code dY·Wᵀ}, op(A) for {@code Xᵀ·dY}) is packed in
     * {@link Transpose16} blocks, 16 by 16 in registers, the rows and columns past the last whole
     * block copied one by one: with 16-float vectors. Otherwise its rows are gathered a vector at
     * a time. The blocks replaced scatters down each column (where columns lie a multiple of 2 KB
     * apart, which alias in L1) and gathers: {@code dY·Wᵀ} 64×512×512's packing 45–50 µs against
     * 77–78 (one thread, JDK 17). The packed values, so the bits, are the same either way.
     */
    private static final boolean TRANSPOSE_BLOCKS = L == Transpose16.N;

    /**
     * Floats of packing buffers for a pool of {@code threads}: each thread's {@link Buffers}, and
     * the two panels of one {@link Shared} product.
     */
    static long bufferFloats(int threads) {
        return threads * ((long) Buffers.A_FLOATS + Buffers.STAGED_FLOATS + PANEL_FLOATS + Buffers.TILE_FLOATS + MR)
                + 2L * PANEL_FLOATS;
    }

    /** Per-thread packing buffers, sized by the block constants: about 3.5 MB per thread. */
    private static final class Buffers {
        static final int A_FLOATS = MC * KC;
        static final int STAGED_FLOATS = KC * stagedStride(MC);
        static final int TILE_FLOATS = MR * NR;
        final float[] a = new float[A_FLOATS];
        final float[] b = newPanel();
        final float[] tile = new float[TILE_FLOATS];
        /** The row starting values of a tile cut by the edge of C, zero-padded to MR rows. */
        final float[] tileInit = new float[MR];
        /** Lane {@code j} of a gather along a transposed A row reads column {@code j}. */
        final StrideMap aColumns = new StrideMap(L);
        /** A transposed block of A staged by {@link #packA}, and the gather offsets down it. */
        final float[] staged = new float[STAGED_FLOATS];
        final StrideMap stagedColumns = new StrideMap(L);
        /** Reads operand blocks ahead of the kernels, for this thread. */
        final Preload preload = new Preload();
        final Strided strided = new Strided(preload);
        final Unfolded unfolded = new Unfolded();
        final StridedRows stridedRows = new StridedRows();
    }

    /** Gather offsets {@code j·stride} for lanes {@code j}, rebuilt only when the stride changes. */
    private static final class StrideMap {
        private final int[] offsets;
        private int stride = -1;

        StrideMap(int lanes) {
            offsets = new int[lanes];
        }

        int[] of(int stride) {
            if (this.stride != stride) {
                for (int j = 0; j < offsets.length; j++) {
                    offsets[j] = j * stride;
                }
                this.stride = stride;
            }
            return offsets;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private PackedGemm() {
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = op(A)·op(B)} ({@code C += } when {@code acc}),
     * with {@code op(A)[i][p] = a[aOff + i·ars + p·acs]} and {@code op(B)[p][j] = b[bOff + p·brs + j·bcs]};
     * one of each pair of strides is 1. Requires {@code k > 0}. When {@code rowInit} is not null
     * (and not {@code acc}), row {@code i}'s chains start from {@code rowInit[i]} instead of 0.
     */
    static void gemm(int ars, int acs, int brs, int bcs, int rowFrom, int rowTo, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean acc,
                     float[] rowInit) {
        Buffers buf = BUFFERS.get();
        Strided src = buf.strided;
        src.set(b, bOff, brs, bcs);
        src.readAhead = Preload.cold(k, n);
        StridedRows rows = buf.stridedRows;
        rows.set(a, aOff, ars, acs);
        gemm(buf, src, rows, rowFrom, rowTo, n, k, c, cOff, ldc, acc, rowInit);
        src.b = null;
        rows.a = null;
    }

    /**
     * As {@link #gemm(int, int, int, int, int, int, int, int, float[], int, float[], int, float[], int, int, boolean, float[])}
     * with B the im2col unfolding of one sample, never materialized: {@code op(B) = col[:, colFrom:]}
     * ({@code col[K][P]}, {@code K = C·kh·kw} window offsets by {@code P} output positions), or
     * {@code colᵀ[:, colFrom:]} when {@code trans}, read from {@code x[xOff..]} while packing.
     * The packed values are exactly im2col's, so the results are too.
     */
    static void gemmUnfolded(int ars, int acs, float[] x, int xOff, Window2d g, boolean trans, int colFrom,
                             int rowFrom, int rowTo, int n, int k, float[] a, int aOff, float[] c, int cOff, int ldc,
                             boolean acc, float[] rowInit) {
        Buffers buf = BUFFERS.get();
        Unfolded src = buf.unfolded;
        src.set(x, xOff, g, trans, colFrom);
        StridedRows rows = buf.stridedRows;
        rows.set(a, aOff, ars, acs);
        gemm(buf, src, rows, rowFrom, rowTo, n, k, c, cOff, ldc, acc, rowInit);
        src.x = null;
        src.gx = null;
        rows.a = null;
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = col·op(B)}, with {@code col} the im2col
     * unfolding of one sample as op(A) ({@code K = C·kh·kw} window offsets by {@code P} output
     * positions, {@code k = P}), read from {@code x[xOff..]} while packing; strides of op(B) as in
     * {@link #gemm(int, int, int, int, int, int, int, int, float[], int, float[], int, float[], int, int, boolean, float[])}.
     * A convolution's weight gradient transposed, {@code dWᵀ = col·dYᵀ}: packing the unfolding
     * as A copies runs of output positions, where packing {@code colᵀ} as B gathers it.
     */
    static void unfoldedGemm(float[] x, int xOff, Window2d g, int brs, int bcs, int rowFrom, int rowTo, int n,
                             int k, float[] b, int bOff, float[] c, int cOff, int ldc, boolean acc) {
        Buffers buf = BUFFERS.get();
        Strided src = buf.strided;
        src.set(b, bOff, brs, bcs);
        Unfolded unfolded = buf.unfolded;
        unfolded.set(x, xOff, g, false, 0);
        gemm(buf, src, unfolded.rows, rowFrom, rowTo, n, k, c, cOff, ldc, acc, null);
        src.b = null;
        unfolded.x = null;
        unfolded.gx = null;
    }

    private static void gemm(Buffers buf, BSource src, ASource as, int rowFrom, int rowTo, int n, int k,
                             float[] c, int cOff, int ldc, boolean acc, float[] rowInit) {
        float[] pb = buf.b;
        Strided direct = rowTo - rowFrom <= MC && src instanceof Strided s && s.bcs == 1 ? s : null;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = acc || pc > 0;
                if (direct != null) {
                    blockDirect(buf, direct, as, rowFrom, rowTo - rowFrom, pc, kc, jc, nc, c, cOff, ldc, load,
                            rowInit);
                    continue;
                }
                src.pack(pc, kc, jc, nc, pb, PANEL_BASE);
                for (int ic = rowFrom; ic < rowTo; ic += MC) {
                    block(buf, pb, as, ic, Math.min(MC, rowTo - ic), pc, kc, jc, nc, c, cOff, ldc, load, rowInit);
                }
            }
        }
    }

    /**
     * Rows {@code [ic, ic+mc)} (at most {@link #MC}) of the product's block {@code jc, pc} against
     * the packed panel {@code pb} of op(B): packs the rows of op(A) into the thread's buffer, then
     * runs the micro-kernel over every NR strip and MR strip.
     */
    private static void block(Buffers buf, float[] pb, ASource as, int ic, int mc, int pc, int kc, int jc, int nc,
                              float[] c, int cOff, int ldc, boolean load, float[] rowInit) {
        packRows(buf, as, ic, mc, pc, kc);
        strips(buf, pb, PANEL_BASE, kc, NR, ic, mc, kc, jc, nc, c, cOff, ldc, load, rowInit);
    }

    /**
     * As {@link #block}, for an untransposed op(B) with rows contiguous, against few rows of A
     * (at most {@link #MC}: each strip of B then meets only their micro-tiles): whole strips are
     * not packed, the micro-kernel reads B's rows where they are; only a partial last strip is
     * packed, into the thread's panel. Packing is a copy of B per call that few rows cannot
     * repay, and in a split over rows each thread packed all of B: JMH, batch 64, alternating
     * JVMs, the forward pass of the CNN's dense 9216→128 1.18× as fast at 2 threads (the same at
     * 1), the MLP's 784→512 1.07–1.15× at 2 and 1.07× at 1, 512→512 1.11× at 2. Same chains,
     * same bits.
     */
    private static void blockDirect(Buffers buf, Strided src, ASource as, int ic, int mc, int pc, int kc, int jc,
                                    int nc, float[] c, int cOff, int ldc, boolean load, float[] rowInit) {
        packRows(buf, as, ic, mc, pc, kc);
        if (src.readAhead) {
            // the strips below read B down 48 columns at a time, out of the prefetchers' reach
            buf.preload.block(src.b, src.bOff + pc * src.brs + jc, src.brs, kc, nc);
        }
        int whole = nc / NR * NR;
        strips(buf, src.b, src.bOff + pc * src.brs + jc, 1, src.brs, ic, mc, kc, jc, whole, c, cOff, ldc, load,
                rowInit);
        if (whole < nc) {
            src.pack(pc, kc, jc + whole, nc - whole, buf.b, PANEL_BASE);
            strips(buf, buf.b, PANEL_BASE, kc, NR, ic, mc, kc, jc + whole, nc - whole, c, cOff, ldc, load, rowInit);
        }
    }

    /** Rows {@code [ic, ic+mc)} of op(A) into the thread's buffer, zero rows up to a whole MR strip. */
    private static void packRows(Buffers buf, ASource as, int ic, int mc, int pc, int kc) {
        float[] pa = buf.a;
        as.pack(ic, mc, pc, kc, pa, buf);
        for (int i = mc; i < (mc + MR - 1) / MR * MR; i++) {
            java.util.Arrays.fill(pa, i * KC, i * KC + kc, 0f);
        }
    }

    /**
     * The micro-kernel over every NR strip and MR strip of packed rows of A against B's strips:
     * strip {@code jr} starts at {@code b[b0 + jr·step]}, its rows {@code bs} apart.
     */
    private static void strips(Buffers buf, float[] pb, int b0, int step, int bs, int ic, int mc, int kc, int jc,
                               int nc, float[] c, int cOff, int ldc, boolean load, float[] rowInit) {
        float[] pa = buf.a;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = b0 + jr * step;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ao = ir * KC;
                int co = cOff + (ic + ir) * ldc + jc + jr;
                float[] init = load ? null : rowInit;
                int io = ic + ir;
                if (mr == MR && nr == NR) {
                    kernel(kc, pa, ao, pb, bo, bs, c, co, ldc, load, init, io);
                } else {
                    if (init != null && mr < MR) {
                        // rows past the edge of C start from 0, like the padding they compute
                        System.arraycopy(init, io, buf.tileInit, 0, mr);
                        java.util.Arrays.fill(buf.tileInit, mr, MR, 0f);
                        init = buf.tileInit;
                        io = 0;
                    }
                    edge(kc, pa, ao, pb, bo, bs, c, co, ldc, load, mr, nr, buf.tile, init, io);
                }
            }
        }
    }

    /**
     * A whole product over a pool, the threads sharing one packing of op(B) (GotoBLAS's parallel
     * SGEMM). The product is a sequence of stages, one per block {@code jc, pc}; each stage is
     * a few tasks packing strips of its panel of op(B), then one task per block of at most
     * {@link #MC} rows, which packs its rows of A and multiplies them against the panel. Threads
     * claim tasks in that order from one counter, and a task waits only for what it reads: a row
     * block for its stage's panel and for its own previous stage (C's partial sums), a packing
     * task for the rows two stages back to be done with the panel it overwrites. So a thread that
     * runs out of row blocks packs the next panel and starts the next stage's first rows while
     * the other still finishes its last block, instead of waiting at a barrier per stage
     * (against that barrier version in one JVM, alternating: 1024³ at 2 threads 1.03-1.05x in 4
     * JVMs, controls 0.99-1.01; 2048³ 1.14x). A row split instead has every thread pack all of
     * op(B) and wait for whichever fixed half runs on the slower vCPU.
     *
     * <p>Every element's chain is {@link #gemm}'s, so are the bits. Holds two panels (6 MB)
     * and the call's operands in fields, so a call allocates nothing; one caller at a time.
     */
    static final class Shared {
        /** How long a waiting task sleeps between polls once it has spun for {@link Parallel#SPIN_NANOS}. */
        static final long POLL_NANOS = 50_000;
        private final float[][] panels = {newPanel(), newPanel()};
        private final Parallel.RangeBody worker = this::work;
        private final AtomicInteger nextTask = new AtomicInteger();
        /** Per stage: packing tasks done, row blocks done. */
        private AtomicIntegerArray packsDone = new AtomicIntegerArray(0);
        private AtomicIntegerArray rowsDone = new AtomicIntegerArray(0);
        /** Per row block: the stages it has completed. */
        private AtomicIntegerArray rowStage = new AtomicIntegerArray(0);
        /** Set when a task fails, so that no thread waits for what that task would have done. */
        private volatile boolean failed;
        private int brs;
        private int bcs;
        private int m;
        private int n;
        private int k;
        private final StridedRows rows = new StridedRows();
        private float[] b;
        private int bOff;
        private float[] c;
        private int cOff;
        private int ldc;
        private boolean acc;
        private int blockRows;
        private int blocks;
        private int packTasks;
        private int pcStages;
        private int stages;

        /** All {@code m} rows of {@code C = op(A)·op(B)} ({@code C +=} when {@code acc}), strides as in {@link PackedGemm#gemm}. */
        void gemm(Parallel pool, int ars, int acs, int brs, int bcs, int m, int n, int k, float[] a, int aOff,
                  float[] b, int bOff, float[] c, int cOff, int ldc, boolean acc) {
            this.brs = brs;
            this.bcs = bcs;
            this.m = m;
            this.n = n;
            this.k = k;
            rows.set(a, aOff, ars, acs);
            this.b = b;
            this.bOff = bOff;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.acc = acc;
            try {
                // a whole number of equal row blocks per thread: 1024 rows in 96-row blocks made
                // 11 for two threads, and 12 blocks of 88 ran 1.006-1.028x as fast (3 JVMs)
                int threads = pool.threads();
                blocks = ((m + MC - 1) / MC + threads - 1) / threads * threads;
                blockRows = Math.min(MC, ((m + blocks - 1) / blocks + MR - 1) / MR * MR);
                blocks = (m + blockRows - 1) / blockRows;
                packTasks = 2 * threads;
                pcStages = (k + KC - 1) / KC;
                stages = (n + NC - 1) / NC * pcStages;
                if (packsDone.length() < stages) {
                    packsDone = new AtomicIntegerArray(stages);
                    rowsDone = new AtomicIntegerArray(stages);
                }
                if (rowStage.length() < blocks) {
                    rowStage = new AtomicIntegerArray(blocks);
                }
                for (int s = 0; s < stages; s++) {
                    packsDone.set(s, 0);
                    rowsDone.set(s, 0);
                }
                for (int i = 0; i < blocks; i++) {
                    rowStage.set(i, 0);
                }
                failed = false;
                nextTask.set(0);
                // one chunk per thread; whoever runs a chunk claims tasks until none are left
                pool.forRange(threads, 1, worker);
            } finally {
                rows.a = null;
                this.b = null;
                this.c = null;
            }
        }

        /**
         * Claims tasks in order until none are left. Every task waits only for tasks claimed
         * before it, each being run by a thread that is not waiting for a later one, so the
         * oldest unfinished task can always go on: no deadlock, at any thread count.
         */
        private void work(int from, int to) {
            int perStage = packTasks + blocks;
            int total = stages * perStage;
            try {
                for (int t = nextTask.getAndIncrement(); t < total; t = nextTask.getAndIncrement()) {
                    int s = t / perStage;
                    int j = t - s * perStage;
                    boolean ran = j < packTasks ? pack(s, j) : rows(s, j - packTasks);
                    if (!ran) {
                        return; // another task failed; the pool reports its exception
                    }
                }
            } catch (RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }

        /** Task {@code task} of stage {@code s}'s packing: its share of the panel's strips. */
        private boolean pack(int s, int task) {
            // the panel is the one stage s-2 read: all its row blocks must be done with it
            if (s >= 2 && !await(rowsDone, s - 2, blocks)) {
                return false;
            }
            int jc = column(s);
            int pc = depth(s);
            int nc = Math.min(NC, n - jc);
            int kc = Math.min(KC, k - pc);
            int strips = (nc + NR - 1) / NR;
            int s0 = strips * task / packTasks;
            int s1 = strips * (task + 1) / packTasks;
            if (s1 > s0) {
                Strided src = BUFFERS.get().strided;
                src.set(b, bOff, brs, bcs);
                int j0 = s0 * NR;
                src.pack(pc, kc, jc + j0, Math.min(nc, s1 * NR) - j0, panels[s & 1], PANEL_BASE + j0 * kc);
                src.b = null;
            }
            packsDone.incrementAndGet(s);
            return true;
        }

        /** Row block {@code i} of stage {@code s}, once its panel is packed and its previous stage done. */
        private boolean rows(int s, int i) {
            if (!await(packsDone, s, packTasks) || !await(rowStage, i, s)) {
                return false;
            }
            int jc = column(s);
            int pc = depth(s);
            int ic = i * blockRows;
            block(BUFFERS.get(), panels[s & 1], rows, ic, Math.min(blockRows, m - ic), pc,
                    Math.min(KC, k - pc), jc, Math.min(NC, n - jc), c, cOff, ldc, acc || pc > 0, null);
            rowStage.set(i, s + 1);
            rowsDone.incrementAndGet(s);
            return true;
        }

        /**
         * The first column of stage {@code s}'s block: the stages run every reduction block of one
         * column block, then the next.
         */
        private int column(int s) {
            return s / pcStages * NC;
        }

        /** The first reduction index of stage {@code s}'s block. */
        private int depth(int s) {
            return s % pcStages * KC;
        }

        /**
         * Waits until {@code counts[index]} reaches {@code atLeast}; false, without waiting
         * further, once a task has failed. The counts only grow, so waiting for two of them one
         * after the other is waiting for both.
         */
        private boolean await(AtomicIntegerArray counts, int index, int atLeast) {
            if (counts.get(index) >= atLeast) {
                return true; // the common case: no clock read
            }
            for (long since = System.nanoTime(); counts.get(index) < atLeast; ) {
                if (!pause(since)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * One step of a wait that began at {@code since}; false once a task has failed. Spins
         * for the pool's {@link Parallel#SPIN_NANOS}, then sleeps between polls: no spinning
         * barriers, because on a shared machine the thread waited for may be the one the host
         * has descheduled, and a spinning waiter would keep the core from it.
         */
        boolean pause(long since) {
            if (System.nanoTime() - since < Parallel.SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, POLL_NANOS);
            }
            return !failed;
        }
    }

    /**
     * Columns of a partial strip of {@code cols} that {@link #edge} reads, so the ones packing
     * zero-pads up to: whole vectors for the {@link #narrowKernel}, the whole strip for the full
     * micro-kernel. Padding to NR regardless wrote, for the CNN example's second convolution, two
     * zero columns (576 elements each, with stride NR) for every column of the weight gradient's
     * last 16-filter strip, per sample, that no kernel read.
     */
    private static int paddedColumns(int cols) {
        return cols <= NARROW ? (cols + L - 1) / L * L : NR;
    }

    /**
     * A tile cut by the edge of C. A strip at most {@link #NARROW} columns wide (the last strip of
     * 1024, 512, 256 or 128 columns, of 10 classes, of 676 output positions) runs the one-vector
     * {@link #narrowKernel} once per vector, so it no longer computes a whole {@link #NR}-wide tile for them
     * (one thread, same JVM alternating with the whole-tile edge: 256³ 1.07–1.11×, 64×10×512
     * 1.33–1.37×, 32×676×9 1.03×, 1024³ 0.99–1.02×); wider ones run the full micro-kernel on a
     * scratch tile. Both kernels perform each element's same chain, so the bits are those of a
     * whole tile. Whole vectors of whole rows go straight into C; the rest go through the scratch
     * tile, whose valid part is copied back.
     */
    private static void edge(int kc, float[] pa, int ao, float[] pb, int bo, int bs, float[] c, int co, int ldc,
                             boolean load, int mr, int nr, float[] t, float[] init, int io) {
        if (nr <= NARROW) {
            for (int v = 0; v < nr; v += L) {
                int w = Math.min(L, nr - v);
                if (mr == MR && w == L) {
                    narrowKernel(kc, pa, ao, pb, bo + v, bs, c, co + v, ldc, load, init, io);
                    continue;
                }
                if (load) {
                    for (int r = 0; r < mr; r++) {
                        System.arraycopy(c, co + r * ldc + v, t, r * L, w);
                    }
                }
                narrowKernel(kc, pa, ao, pb, bo + v, bs, t, 0, L, load, init, io);
                for (int r = 0; r < mr; r++) {
                    System.arraycopy(t, r * L, c, co + r * ldc + v, w);
                }
            }
            return;
        }
        if (load) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(c, co + r * ldc, t, r * NR, nr);
            }
        }
        kernel(kc, pa, ao, pb, bo, bs, t, 0, NR, load, init, io);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(t, r * NR, c, co + r * ldc, nr);
        }
    }

    /**
     * Rows {@code [ic, ic+mc)} × reduction {@code [pc, pc+kc)} of op(A), row-major with row stride
     * {@link #KC}: {@code A[ic+i][pc+p]} at {@code i·KC + p} ({@link #block} zeroes the rows past
     * the block, up to a whole MR strip). The micro-kernels read an MR strip's rows at constant offsets
     * {@code r·KC} (as fast as an interleaved strip, measured), so rows of an untransposed A, the
     * common case (forward passes, input gradients, 1024³), are plain copies; only a transposed
     * A (the dense layers' weight gradient {@code Xᵀ·dY}) needs gathers. Interleaved strips needed
     * them the other way round: packing A was 7.6 % of the execution samples of a 3-epoch MLP run
     * (2.6 % now), and the MLP's first epoch got faster in 10 of 12 alternating pairs, the CNN's
     * on 12,800 images in 3 of 3; {@code Xᵀ·dY} alone got some 7 % slower. With 16-float vectors
     * a transposed A is packed in {@link Transpose16} blocks, as a transposed B is.
     */
    private static void packA(float[] a, int aOff, int ars, int acs, int ic, int mc, int pc, int kc, float[] pa,
                              Buffers buf) {
        if (acs == 1) {
            for (int i = 0; i < mc; i++) {
                System.arraycopy(a, aOff + (ic + i) * ars + pc, pa, i * KC, kc);
            }
        } else if (TRANSPOSE_BLOCKS) {
            // transposed A: L×L blocks in registers, then each row's last values and the last
            // rows copied one by one (scalar: so rare that vector gathers would stay uncompiled,
            // boxing every vector)
            int rows = mc / L * L;
            int end = kc / L * L;
            for (int i = 0; i < rows; i += L) {
                for (int p = 0; p < end; p += L) {
                    Transpose16.block(a, aOff + (ic + i) * ars + (pc + p) * acs, acs, pa, i * KC + p, KC);
                }
            }
            for (int i = 0; i < mc; i++) {
                int p = i < rows ? end : 0;
                copyColumn(a, aOff + (ic + i) * ars + (pc + p) * acs, acs, kc - p, pa, i * KC + p);
            }
        } else if (acs % STAGE_STRIDE == 0) {
            // transposed A whose rows fall into few L1 sets: the block's rows copied close together first
            int s = stagedStride(mc);
            float[] t = buf.staged;
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, aOff + ic * ars + (pc + p) * acs, t, p * s, mc);
            }
            int[] map = buf.stagedColumns.of(s);
            for (int i = 0; i < mc; i++) {
                gatherColumn(t, i, s, map, kc, pa, i * KC);
            }
        } else {
            // transposed A: row i of op(A) is column ic+i of A, L values per gather
            int[] map = buf.aColumns.of(acs);
            for (int i = 0; i < mc; i++) {
                gatherColumn(a, aOff + (ic + i) * ars + pc * acs, acs, map, kc, pa, i * KC);
            }
        }
    }

    /**
     * Row stride of a transposed A, in floats, of which a multiple makes {@link #packA} (without
     * {@link Transpose16} blocks) copy the block's rows into a staging buffer before gathering its
     * columns. Rows 1 KB apart, or a multiple of it, fall into at most four of L1's 64 sets: a
     * gather down {@code kc} rows touches {@code kc} lines there, more than those sets' ways hold,
     * so every line is evicted before the next column's gather reads it again. Staged, the CNN's
     * dense layer 9216→128 (its weight gradient {@code Xᵀ·dY} gathers down rows 9,216 floats
     * apart) ran its backward pass 1.20–1.36× as fast at 1 thread, 1.23–1.27× at 2, and
     * 512→512's 1.03–1.06× (JMH, batch 64, alternating JVMs); the packed values, so the bits, are
     * the same.
     */
    static final int STAGE_STRIDE = 256;

    /** The staging buffer's row stride for {@code mc} columns: whole vectors, an odd number of lines. */
    static int stagedStride(int mc) {
        int s = (mc + L - 1) / L * L;
        return (s / L) % 2 == 0 ? s + L : s;
    }

    /** {@code n} values of a column of A, {@code acs} apart from {@code a[src]}, into {@code pa[d..]}. */
    private static void copyColumn(float[] a, int src, int acs, int n, float[] pa, int d) {
        for (int p = 0; p < n; p++) {
            pa[d + p] = a[src + p * acs];
        }
    }

    /**
     * {@code kc} values of a column of A, {@code acs} apart from {@code a[src]}, into
     * {@code pa[d..]}: one row of a transposed op(A). A method of its own so that C2 compiles
     * these loops alone (see {@link Strided#pack}).
     */
    private static void gatherColumn(float[] a, int src, int acs, int[] map, int kc, float[] pa, int d) {
        int p = 0;
        for (; p + L <= kc; p += L) {
            FloatVector.fromArray(F, a, src + p * acs, map, 0).intoArray(pa, d + p);
        }
        copyColumn(a, src + p * acs, acs, kc - p, pa, d + p);
    }

    /**
     * Where packed A comes from: {@link #pack} writes rows {@code [ic, ic+mc)} × reduction
     * {@code [pc, pc+kc)} of op(A) row-major with row stride {@link #KC}, as {@link #packA}.
     */
    private abstract static class ASource {
        abstract void pack(int ic, int mc, int pc, int kc, float[] pa, Buffers buf);
    }

    /** op(A) from an array: {@code op(A)[i][p] = a[aOff + i·ars + p·acs]}. */
    private static final class StridedRows extends ASource {
        float[] a;
        int aOff;
        int ars;
        int acs;

        void set(float[] a, int aOff, int ars, int acs) {
            this.a = a;
            this.aOff = aOff;
            this.ars = ars;
            this.acs = acs;
        }

        @Override
        void pack(int ic, int mc, int pc, int kc, float[] pa, Buffers buf) {
            packA(a, aOff, ars, acs, ic, mc, pc, kc, pa, buf);
        }
    }

    /**
     * Where packed B comes from. {@link #pack} writes reduction {@code [pc, pc+kc)} × columns
     * {@code [jc, jc+nc)} of op(B) as NR-wide strips: strip {@code s} holds {@code B[pc+p][jc+s·NR+j]}
     * at {@code pbOff + s·NR·kc + p·NR + j}; columns past the block are zero as far as the
     * kernels read them ({@link #paddedColumns}). The offset lets threads pack strips of one
     * shared panel ({@link Shared}). One instance of each kind per thread, set for the call, so
     * a call allocates nothing.
     */
    private abstract static class BSource {
        abstract void pack(int pc, int kc, int jc, int nc, float[] pb, int pbOff);
    }

    /** A matrix in memory: {@code op(B)[p][j] = b[bOff + p·brs + j·bcs]}. */
    private static final class Strided extends BSource {
        float[] b;
        int bOff;
        int brs;
        int bcs;
        /** Lane {@code j} of a transposed strip reads column {@code j} of op(B). */
        private final StrideMap columns = new StrideMap(NR);
        private final Preload preload;
        /** Whether blocks are read ahead ({@link Preload#cold}); {@link #set} clears it. */
        boolean readAhead;

        Strided(Preload preload) {
            this.preload = preload;
        }

        void set(float[] b, int bOff, int brs, int bcs) {
            this.b = b;
            this.bOff = bOff;
            this.brs = brs;
            this.bcs = bcs;
            this.readAhead = false;
        }

        /**
         * Packs op(B)'s rows {@code [pc, pc+kc)} × columns {@code [jc, jc+nc)} strip by strip.
         * Each way of packing a strip is a method of its own with one loop nest: C2 compiles a
         * hot loop on its own (on-stack replacement) and compiled this method anew for each of
         * its loops when they were all in it, 4 to 6 compiles of 30–45 ms each in the first epoch
         * of the MLP, the most C2 time of any method.
         */
        @Override
        void pack(int pc, int kc, int jc, int nc, float[] pb, int pbOff) {
            if (readAhead && bcs != 1) {
                // a transposed strip gathers across NR of B's rows at a time, out of the prefetchers' reach
                preload.block(b, bOff + jc * bcs + pc, bcs, nc, kc);
            }
            for (int s = 0; s < nc; s += NR) {
                int cols = Math.min(NR, nc - s);
                int base = pbOff + s * kc;
                if (bcs == 1) {
                    // rows of B are contiguous
                    int src = bOff + pc * brs + jc + s;
                    if (cols == NR) {
                        copyRows(b, src, brs, kc, pb, base);
                    } else {
                        copyPartialRows(b, src, brs, kc, cols, pb, base);
                    }
                } else {
                    // transposed B: whole L×L blocks in registers, the rest copied one by one
                    // (scalar: so rare that vector gathers would stay uncompiled, boxing every
                    // vector); without 16-float vectors, a whole strip's rows gathered
                    int src = bOff + (jc + s) * bcs + pc;
                    if (TRANSPOSE_BLOCKS || cols < NR) {
                        int blocked = TRANSPOSE_BLOCKS ? cols / L * L : 0;
                        int p = transposeBlocks(b, src, bcs, kc, blocked, pb, base);
                        copyColumns(b, src, bcs, kc, cols, blocked, p, pb, base);
                    } else {
                        gatherRows(b, src, columns.of(bcs), kc, pb, base);
                    }
                }
            }
        }

        /** A whole strip of a row-major B: NR contiguous floats per row, whole vectors. */
        private static void copyRows(float[] b, int src, int brs, int kc, float[] pb, int base) {
            for (int p = 0, d = base; p < kc; p++, d += NR, src += brs) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(F, b, src + v).intoArray(pb, d + v);
                }
            }
        }

        /** The last, narrower strip of a row-major B, zero-padded to NR columns. */
        private static void copyPartialRows(float[] b, int src, int brs, int kc, int cols, float[] pb, int base) {
            for (int p = 0, d = base; p < kc; p++, d += NR, src += brs) {
                System.arraycopy(b, src, pb, d, cols);
                VectorKernels.fillVector(pb, d + cols, d + paddedColumns(cols), 0f);
            }
        }

        /**
         * Rows {@code [0, p)} of a transposed strip's first {@code blocked} columns (a multiple of
         * L), L×L blocks at a time ({@link Transpose16}); returns {@code p}, {@code kc} rounded
         * down to L, or 0 when nothing is blocked.
         */
        private static int transposeBlocks(float[] b, int src, int bcs, int kc, int blocked, float[] pb, int base) {
            if (blocked == 0) {
                return 0;
            }
            int end = kc / L * L;
            for (int j = 0; j < blocked; j += L) {
                for (int p = 0; p < end; p += L) {
                    Transpose16.block(b, src + j * bcs + p, bcs, pb, base + p * NR + j, NR);
                }
            }
            return end;
        }

        /** A whole transposed strip, each row gathered a vector at a time. */
        private static void gatherRows(float[] b, int src, int[] map, int kc, float[] pb, int base) {
            for (int p = 0, d = base; p < kc; p++, d += NR) {
                for (int v = 0; v < NR; v += L) {
                    FloatVector.fromArray(F, b, src + p, map, v).intoArray(pb, d + v);
                }
            }
        }

        /**
         * A strip of a transposed B, zero-padded to a whole strip: each column read contiguously
         * and written with stride NR, from row {@code p0} for the first {@code blocked} columns
         * (rows before it packed already), from row 0 for the others.
         */
        private static void copyColumns(float[] b, int src, int bcs, int kc, int cols, int blocked, int p0,
                                        float[] pb, int base) {
            for (int j = 0; j < cols; j++, src += bcs) {
                int p = j < blocked ? p0 : 0;
                for (int d = base + p * NR + j; p < kc; p++, d += NR) {
                    pb[d] = b[src + p];
                }
            }
            for (int j = cols, end = paddedColumns(cols); j < end; j++) {
                zero(pb, base + j, kc, NR);
            }
        }
    }

    /**
     * The im2col unfolding of one sample {@code x[xOff..]} ({@code [C][H][W]}) under window
     * {@code g}: {@code col[r][q]} is the input under window offset {@code r = (c, ki, kj)} at
     * output position {@code q = (oy, ox)}, 0 in the padding. {@code op(B)[p][j] = col[p][colFrom+j]},
     * or {@code col[colFrom+j][p]} when {@code trans} (a convolution's weight gradient). Gathered
     * (partial strips: copied in runs along output rows, as {@code im2col} does) straight into
     * the packed strips: this saves writing the unfolded sample (K·P floats, 663 KB for the CNN
     * example's second convolution) and reading it back, and keeping a batch of them for the
     * weight gradient.
     */
    private static final class Unfolded extends BSource {
        float[] x;
        int xOff;
        Window2d g;
        boolean trans;
        int colFrom;

        /**
         * {@code col[r][q] = gx[gxOff + offsets[r] + positions[q]]}: the input offset of window
         * offset {@code r = (c, ki, kj)} plus that of output position {@code q = (oy, ox)}'s
         * window corner, in the sample itself ({@code gx = x}) or, for a padded window, in a
         * copy of it inside its zero padding. Whole strips are then packed a vector at a time
         * with gathers, no division per element or run. The maps are built for the last window
         * seen (the layers' windows are fixed objects); buffers grow, never shrink.
         */
        private int[] offsets = new int[0];
        private int[] positions = new int[0];
        private float[] padded = new float[0];
        private Window2d mapped;
        private float[] gx;
        private int gxOff;
        /** A strip's runs of consecutive input offsets ({@link #copyRunStrip}): where each starts, and its length. */
        private final int[] runStart = new int[NR];
        private final int[] runLength = new int[NR];
        /** The unfolding as op(A) ({@link PackedGemm#unfoldedGemm}). */
        final UnfoldedRows rows = new UnfoldedRows(this);

        void set(float[] x, int xOff, Window2d g, boolean trans, int colFrom) {
            this.x = x;
            this.xOff = xOff;
            this.g = g;
            this.trans = trans;
            this.colFrom = colFrom;
            if (g != mapped) {
                map(g);
            }
            if (unpadded(g)) {
                gx = x;
                gxOff = xOff;
            } else {
                // the sample inside the zero border map() left: C·H row copies, where a padded
                // window packed in runs would cost divisions on every run of every strip
                int h = g.inH();
                int w = g.inW();
                int hp = h + g.padTop() + g.padBottom();
                int wp = w + g.padLeft() + g.padRight();
                for (int c = 0; c < g.channels(); c++) {
                    for (int y = 0; y < h; y++) {
                        System.arraycopy(x, xOff + (c * h + y) * w, padded, (c * hp + y + g.padTop()) * wp + g.padLeft(), w);
                    }
                }
                gx = padded;
                gxOff = 0;
            }
        }

        private static boolean unpadded(Window2d g) {
            return g.padTop() == 0 && g.padLeft() == 0 && g.padBottom() == 0 && g.padRight() == 0;
        }

        private void map(Window2d g) {
            int kk = g.colRows();
            int p = g.outPlane();
            int hp = g.inH() + g.padTop() + g.padBottom();
            int wp = g.inW() + g.padLeft() + g.padRight();
            if (offsets.length < kk) {
                offsets = new int[kk];
            }
            if (positions.length < p) {
                positions = new int[p];
            }
            if (!unpadded(g)) {
                int size = g.channels() * hp * wp;
                if (padded.length < size) {
                    padded = new float[size];
                }
                java.util.Arrays.fill(padded, 0, size, 0f); // the border; set() writes the inside
            }
            int r = 0;
            for (int c = 0; c < g.channels(); c++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        offsets[r++] = (c * hp + ki) * wp + kj;
                    }
                }
            }
            int q = 0;
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    positions[q++] = oy * g.sh() * wp + ox * g.sw();
                }
            }
            mapped = g;
        }

        @Override
        void pack(int pc, int kc, int jc, int nc, float[] pb, int pbOff) {
            for (int s = 0; s < nc; s += NR) {
                int cols = Math.min(NR, nc - s);
                int base = pbOff + s * kc;
                if (cols == NR && !trans && g.sw() == 1) {
                    copyRunStrip(pc, kc, colFrom + jc + s, pb, base);
                } else if (cols == NR) {
                    // row p of the strip: one input offset plus the strip's NR offsets of the other kind
                    int[] fixed = trans ? positions : offsets;
                    int[] lanes = trans ? offsets : positions;
                    int laneFrom = colFrom + jc + s;
                    for (int p = 0, d = base; p < kc; p++, d += NR) {
                        int from = gxOff + fixed[pc + p];
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(F, gx, from, lanes, laneFrom + v).intoArray(pb, d + v);
                        }
                    }
                } else if (!trans) {
                    // strip row p is col row pc+p over output positions [q0, q0+cols)
                    int q0 = colFrom + jc + s;
                    for (int p = 0, d = base; p < kc; p++, d += NR) {
                        run(pc + p, q0, q0 + cols, pb, d, 1);
                        if (cols < NR) {
                            VectorKernels.fillVector(pb, d + cols, d + paddedColumns(cols), 0f);
                        }
                    }
                } else {
                    // strip column j is col row colFrom+jc+s+j over output positions [pc, pc+kc)
                    int r0 = colFrom + jc + s;
                    for (int j = 0; j < cols; j++) {
                        run(r0 + j, pc, pc + kc, pb, base + j, NR);
                    }
                    for (int j = cols, end = paddedColumns(cols); j < end; j++) {
                        zero(pb, base + j, kc, NR);
                    }
                }
            }
        }

        /**
         * A whole strip of {@code col}, rows {@code pc..pc+kc-1} over output positions
         * {@code q0..q0+NR-1}, for a window of column stride 1: there the strip's positions are a
         * few runs of consecutive input offsets (one per output row they touch), so each row is
         * copied a vector at a time ({@link PackedGemm#copyRun}) instead of gathered.
         * Every read stays inside the run, so inside the sample. On the CNN example's second
         * convolution the gathers took more of the forward product's time than the micro-kernel.
         */
        private void copyRunStrip(int pc, int kc, int q0, float[] pb, int base) {
            int ow = g.outW();
            int runs = 0;
            for (int j = 0; j < NR; runs++) {
                int len = Math.min(NR - j, ow - (q0 + j) % ow);
                runStart[runs] = j;
                runLength[runs] = len;
                j += len;
            }
            if (runs == 2 && VectorKernels.twoVectors(runLength[0]) && VectorKernels.twoVectors(runLength[1])) {
                int j1 = runStart[1];
                copyTwoRuns(gx, gxOff, offsets, pc, kc, positions[q0], runLength[0] - L, positions[q0 + j1], j1,
                        runLength[1] - L, pb, base);
                return;
            }
            for (int p = 0, d = base; p < kc; p++, d += NR) {
                int from = gxOff + offsets[pc + p];
                for (int r = 0; r < runs; r++) {
                    int j = runStart[r];
                    copyRun(gx, from + positions[q0 + j], pb, d + j, runLength[r]);
                }
            }
        }

        /**
         * {@link #copyRunStrip} for a strip of two runs of one to two vectors each (the CNN
         * example's second convolution: two output rows of 24): per strip row, two vectors per
         * run, the second ending at the run's end ({@code t0}, {@code t1}: where it starts in
         * the run), the run's source {@code s0}, {@code s1} ahead of the window offset's. The
         * general loop's run table, loop and length tests per row cost more than its four
         * copies: conv2 forward at 2 threads 3.40–3.63 ms a batch against 3.94–4.18
         * ({@code StepPhases}, alternating JVMs). Same values, same bits.
         */
        private static void copyTwoRuns(float[] gx, int gxOff, int[] offsets, int pc, int kc, int s0, int t0, int s1,
                                        int j1, int t1, float[] pb, int base) {
            for (int p = 0; p < kc; p++) {
                int from = gxOff + offsets[pc + p];
                int d = base + p * NR;
                FloatVector.fromArray(F, gx, from + s0).intoArray(pb, d);
                FloatVector.fromArray(F, gx, from + s0 + t0).intoArray(pb, d + t0);
                FloatVector.fromArray(F, gx, from + s1).intoArray(pb, d + j1);
                FloatVector.fromArray(F, gx, from + s1 + t1).intoArray(pb, d + j1 + t1);
            }
        }

        /** {@code col[r][q]} for {@code q in [q0, q1)} into {@code pb[d], pb[d+step], ...}. */
        private void run(int r, int q0, int q1, float[] pb, int d, int step) {
            Window2d g = this.g;
            int window = g.kh() * g.kw();
            int c = r / window;
            int ki = r % window / g.kw();
            int kj = r % g.kw();
            int ow = g.outW();
            int h = g.inH();
            int sw = g.sw();
            int inX0 = Math.min(ow, g.firstInsideX(kj));
            int inX1 = Math.max(inX0, g.endInsideX(kj));
            int plane = xOff + c * h * g.inW() - g.padLeft() + kj;
            for (int q = q0; q < q1; ) {
                int oy = q / ow;
                int ox = q - oy * ow;
                int oxEnd = Math.min(ow, ox + (q1 - q));
                int ih = oy * g.sh() - g.padTop() + ki;
                int n = oxEnd - ox;
                if (ih < 0 || ih >= h) {
                    zero(pb, d, n, step);
                } else {
                    int x0 = Math.max(ox, inX0);
                    int x1 = Math.max(x0, Math.min(oxEnd, inX1));
                    zero(pb, d, x0 - ox, step);
                    int src = plane + ih * g.inW() + x0 * sw;
                    int dst = d + (x0 - ox) * step;
                    if (step == 1 && sw == 1) {
                        System.arraycopy(x, src, pb, dst, x1 - x0);
                    } else {
                        for (int i = x0; i < x1; i++, src += sw, dst += step) {
                            pb[dst] = x[src];
                        }
                    }
                    zero(pb, d + (x1 - ox) * step, oxEnd - x1, step);
                }
                q += n;
                d += n * step;
            }
        }
    }

    /**
     * One row of the unfolding as op(A), {@code pa[d + q]} for {@code q} in {@code [pc, pc+kc)},
     * when the block covers whole output rows of {@code t + L} positions (one to two vectors):
     * each output row's run is two vector copies, the second from {@code t} on. What
     * {@link PackedGemm#copyRun} does, without its length tests and loop per run: the CNN
     * example's second convolution backward at 2 threads 8.40–8.94 ms a batch against
     * 8.76–9.33 ({@code StepPhases}, alternating JVMs). Same values, same bits.
     */
    private static void copyRowRuns(float[] gx, int from, int[] positions, int pc, int kc, int t, float[] pa, int d) {
        int ow = t + L;
        for (int q = pc, end = pc + kc; q < end; q += ow) {
            int s = from + positions[q];
            FloatVector.fromArray(F, gx, s).intoArray(pa, d + q);
            FloatVector.fromArray(F, gx, s + t).intoArray(pa, d + q + t);
        }
    }

    /**
     * The unfolding of one sample as op(A), {@code op(A)[r][q] = col[r][q]}: row {@code r} is
     * window offset {@code r}'s input values at every output position, so for a column-stride-1
     * window it is a run of consecutive input floats per output row, copied a vector at a time.
     * Other strides gather along the positions. Reads the maps and sample {@link Unfolded#set} made.
     */
    private static final class UnfoldedRows extends ASource {
        private final Unfolded u;

        UnfoldedRows(Unfolded u) {
            this.u = u;
        }

        @Override
        void pack(int ic, int mc, int pc, int kc, float[] pa, Buffers buf) {
            Window2d g = u.g;
            float[] gx = u.gx;
            int ow = g.outW();
            int ox0 = pc % ow;
            // whole output rows of one to two vectors: each copied as two vectors
            boolean rowRuns = g.sw() == 1 && ox0 == 0 && kc % ow == 0 && VectorKernels.twoVectors(ow);
            for (int i = 0; i < mc; i++) {
                int from = u.gxOff + u.offsets[ic + i];
                int d = i * KC - pc;
                if (rowRuns) {
                    copyRowRuns(gx, from, u.positions, pc, kc, ow - L, pa, d);
                } else if (g.sw() == 1) {
                    // one run per output row: no division per run
                    int ox = ox0;
                    for (int q = pc, end = pc + kc; q < end; ) {
                        int len = Math.min(ow - ox, end - q);
                        copyRun(gx, from + u.positions[q], pa, d + q, len);
                        q += len;
                        ox = 0;
                    }
                } else {
                    int q = pc;
                    for (int end = pc + kc; q + L <= end; q += L) {
                        FloatVector.fromArray(F, gx, from, u.positions, q).intoArray(pa, d + q);
                    }
                    for (int end = pc + kc; q < end; q++) {
                        pa[d + q] = gx[from + u.positions[q]];
                    }
                }
            }
        }
    }

    /**
     * {@code n} floats from {@code src[s..]} to {@code dst[d..]}, a vector at a time, the last
     * vector ending at the run's end (overlapping the one before it), element by element when
     * shorter than a vector: runs as short as an output row, where {@code System.arraycopy}'s
     * call costs more than the copy.
     */
    private static void copyRun(float[] src, int s, float[] dst, int d, int n) {
        if (n < L) {
            for (int i = 0; i < n; i++) {
                dst[d + i] = src[s + i];
            }
            return;
        }
        int v = 0;
        for (; v + L <= n; v += L) {
            FloatVector.fromArray(F, src, s + v).intoArray(dst, d + v);
        }
        if (v < n) {
            FloatVector.fromArray(F, src, s + n - L).intoArray(dst, d + n - L);
        }
    }

    /** {@code n} zeros into {@code pb[d], pb[d+step], ...}: padding in packed strips. */
    private static void zero(float[] pb, int d, int n, int step) {
        for (int i = 0; i < n; i++, d += step) {
            pb[d] = 0f;
        }
    }

    /**
     * The MR×NR micro-kernel: {@code C[r][j] = fma(A[r][p], B[p][j], C[r][j])} for {@code p} in
     * order, from the tile's C values ({@code load}), from {@code init[io + r]} for row {@code r}
     * when {@code init} is not null, or from 0. B's row {@code p} is {@code bp[bo + p·bs ..]}: a
     * packed strip ({@code bs = NR}) or B itself ({@link #blockDirect}); a variable stride
     * measured the same on SGEMM 1024³ (one thread, 9 alternating JVMs each, medians 229.7 and
     * 229.6 GFLOP/s). Kept as one plain loop: unrolling it by hand made C2 spill and run slower.
     */
    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, int bs, float[] c, int co, int ldc,
                               boolean load, float[] init, int io) {
        FloatVector z0 = startInline(init, io, 0);
        FloatVector z1 = startInline(init, io, 1);
        FloatVector z2 = startInline(init, io, 2);
        FloatVector z3 = startInline(init, io, 3);
        FloatVector z4 = startInline(init, io, 4);
        FloatVector z5 = startInline(init, io, 5);
        FloatVector z6 = startInline(init, io, 6);
        FloatVector z7 = startInline(init, io, 7);
        FloatVector c0_0 = load ? FloatVector.fromArray(F, c, co + 0 * L) : z0;
        FloatVector c0_1 = load ? FloatVector.fromArray(F, c, co + 1 * L) : z0;
        FloatVector c0_2 = load ? FloatVector.fromArray(F, c, co + 2 * L) : z0;
        FloatVector c1_0 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 0 * L) : z1;
        FloatVector c1_1 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L) : z1;
        FloatVector c1_2 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L) : z1;
        FloatVector c2_0 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 0 * L) : z2;
        FloatVector c2_1 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L) : z2;
        FloatVector c2_2 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L) : z2;
        FloatVector c3_0 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 0 * L) : z3;
        FloatVector c3_1 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L) : z3;
        FloatVector c3_2 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L) : z3;
        FloatVector c4_0 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 0 * L) : z4;
        FloatVector c4_1 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L) : z4;
        FloatVector c4_2 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 2 * L) : z4;
        FloatVector c5_0 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 0 * L) : z5;
        FloatVector c5_1 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L) : z5;
        FloatVector c5_2 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 2 * L) : z5;
        FloatVector c6_0 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 0 * L) : z6;
        FloatVector c6_1 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L) : z6;
        FloatVector c6_2 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 2 * L) : z6;
        FloatVector c7_0 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 0 * L) : z7;
        FloatVector c7_1 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L) : z7;
        FloatVector c7_2 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 2 * L) : z7;
        // indices linear in p (not running offsets) so that C2 hoists the range checks on A
        for (int p = 0; p < kc; p++) {
            int ai = ao + p;
            int bi = bo + p * bs;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ai]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            c0_2 = x0.fma(b2, c0_2);
            FloatVector x1 = FloatVector.broadcast(F, ap[ai + 1 * KC]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            c1_2 = x1.fma(b2, c1_2);
            FloatVector x2 = FloatVector.broadcast(F, ap[ai + 2 * KC]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            c2_2 = x2.fma(b2, c2_2);
            FloatVector x3 = FloatVector.broadcast(F, ap[ai + 3 * KC]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            c3_2 = x3.fma(b2, c3_2);
            FloatVector x4 = FloatVector.broadcast(F, ap[ai + 4 * KC]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            c4_2 = x4.fma(b2, c4_2);
            FloatVector x5 = FloatVector.broadcast(F, ap[ai + 5 * KC]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            c5_2 = x5.fma(b2, c5_2);
            FloatVector x6 = FloatVector.broadcast(F, ap[ai + 6 * KC]);
            c6_0 = x6.fma(b0, c6_0);
            c6_1 = x6.fma(b1, c6_1);
            c6_2 = x6.fma(b2, c6_2);
            FloatVector x7 = FloatVector.broadcast(F, ap[ai + 7 * KC]);
            c7_0 = x7.fma(b0, c7_0);
            c7_1 = x7.fma(b1, c7_1);
            c7_2 = x7.fma(b2, c7_2);
        }
        c0_0.intoArray(c, co + 0 * L);
        c0_1.intoArray(c, co + 1 * L);
        c0_2.intoArray(c, co + 2 * L);
        c1_0.intoArray(c, co + 1 * ldc + 0 * L);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c1_2.intoArray(c, co + 1 * ldc + 2 * L);
        c2_0.intoArray(c, co + 2 * ldc + 0 * L);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c2_2.intoArray(c, co + 2 * ldc + 2 * L);
        c3_0.intoArray(c, co + 3 * ldc + 0 * L);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c3_2.intoArray(c, co + 3 * ldc + 2 * L);
        c4_0.intoArray(c, co + 4 * ldc + 0 * L);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c4_2.intoArray(c, co + 4 * ldc + 2 * L);
        c5_0.intoArray(c, co + 5 * ldc + 0 * L);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
        c5_2.intoArray(c, co + 5 * ldc + 2 * L);
        c6_0.intoArray(c, co + 6 * ldc + 0 * L);
        c6_1.intoArray(c, co + 6 * ldc + 1 * L);
        c6_2.intoArray(c, co + 6 * ldc + 2 * L);
        c7_0.intoArray(c, co + 7 * ldc + 0 * L);
        c7_1.intoArray(c, co + 7 * ldc + 1 * L);
        c7_2.intoArray(c, co + 7 * ldc + 2 * L);
    }

    /**
     * The MR×L micro-kernel for narrow edge strips: {@link #kernel}'s chain for one vector of
     * columns, {@code bp[bo + p·bs ..]} (a column slice of an NR-wide strip).
     */
    private static void narrowKernel(int kc, float[] ap, int ao, float[] bp, int bo, int bs, float[] c, int co,
                                     int ldc, boolean load, float[] init, int io) {
        FloatVector c0 = load ? FloatVector.fromArray(F, c, co) : startInline(init, io, 0);
        FloatVector c1 = load ? FloatVector.fromArray(F, c, co + ldc) : startInline(init, io, 1);
        FloatVector c2 = load ? FloatVector.fromArray(F, c, co + 2 * ldc) : startInline(init, io, 2);
        FloatVector c3 = load ? FloatVector.fromArray(F, c, co + 3 * ldc) : startInline(init, io, 3);
        FloatVector c4 = load ? FloatVector.fromArray(F, c, co + 4 * ldc) : startInline(init, io, 4);
        FloatVector c5 = load ? FloatVector.fromArray(F, c, co + 5 * ldc) : startInline(init, io, 5);
        FloatVector c6 = load ? FloatVector.fromArray(F, c, co + 6 * ldc) : startInline(init, io, 6);
        FloatVector c7 = load ? FloatVector.fromArray(F, c, co + 7 * ldc) : startInline(init, io, 7);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p;
            FloatVector b = FloatVector.fromArray(F, bp, bo + p * bs);
            c0 = FloatVector.broadcast(F, ap[ai]).fma(b, c0);
            c1 = FloatVector.broadcast(F, ap[ai + 1 * KC]).fma(b, c1);
            c2 = FloatVector.broadcast(F, ap[ai + 2 * KC]).fma(b, c2);
            c3 = FloatVector.broadcast(F, ap[ai + 3 * KC]).fma(b, c3);
            c4 = FloatVector.broadcast(F, ap[ai + 4 * KC]).fma(b, c4);
            c5 = FloatVector.broadcast(F, ap[ai + 5 * KC]).fma(b, c5);
            c6 = FloatVector.broadcast(F, ap[ai + 6 * KC]).fma(b, c6);
            c7 = FloatVector.broadcast(F, ap[ai + 7 * KC]).fma(b, c7);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /** A row's starting accumulator: {@code init[io + r]} in every lane, or 0 without {@code init}. */
    private static FloatVector startInline(float[] init, int io, int r) {
        return init == null ? FloatVector.zero(F) : FloatVector.broadcast(F, init[io + r]);
    }
}
