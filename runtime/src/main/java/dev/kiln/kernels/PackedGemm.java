package dev.kiln.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, cache-blocked, register-blocked SGEMM with the BLIS/GotoBLAS loop structure, for
 * {@link VectorKernels}. For one range of C rows:
 * <pre>
 * for jc in NC blocks of columns:
 *   for pc in KC blocks of the reduction:
 *     pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide strips (zero-padded to a whole strip)
 *     for ic in MC blocks of the rows:
 *       pack op(A)[ic:ic+mc, pc:pc+kc] into MR-row strips (zero-padded to a whole strip)
 *       for each NR strip, for each MR strip: the MR×NR micro-kernel over kc
 * </pre>
 * Transposition is handled while packing, so no transposed copy of an operand is ever made.
 *
 * <p><b>Bits.</b> Every C element is one unbroken chain of fused multiply-adds over
 * {@code p = 0..k-1} in order, starting from 0 (or from the old C value when accumulating):
 * between KC blocks the partial sum is stored in C as a float and reloaded, which rounds
 * nothing. Padding adds lanes and rows that are never stored; tiles cut by the edge of C run
 * the same micro-kernel on a scratch tile. So an element's result depends neither on the row
 * split nor on its place in a tile, and equals what the unpacked path in {@link VectorKernels}
 * computes for it (which performs the same chain), so the two may be chosen per call.
 *
 * <p><b>Memory.</b> The packing buffers are allocated once per thread (a {@link ThreadLocal}:
 * the pool's workers and the caller live as long as the JVM) and reused by every call, so a
 * call allocates nothing. They are sized by the block constants, not by the operands.
 */
final class PackedGemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Micro-kernel shape; a JVM-wide constant ({@code kiln.gemm.kernel} is for tuning runs only). */
    private static final String KERNEL = System.getProperty("kiln.gemm.kernel", "8x3");
    private static final int KIND;
    static final int MR;
    private static final int NRV;
    static final int NR;

    static {
        switch (KERNEL) {
            case "12x2" -> { KIND = 1; MR = 12; NRV = 2; }
            case "6x4" -> { KIND = 2; MR = 6; NRV = 4; }
            case "4x3" -> { KIND = 3; MR = 4; NRV = 3; }
            default -> { KIND = 0; MR = 8; NRV = 3; }
        }
        NR = NRV * L;
    }

    /** Reduction block: a KC×NR strip of packed B stays in L1 while the MR strips of A pass by. */
    static final int KC = Integer.getInteger("kiln.gemm.kc", 256);
    /** Row block: the packed MC×KC block of A stays in L2. */
    static final int MC = Integer.getInteger("kiln.gemm.mc", 192) / MR * MR;
    /** Column block: the packed KC×NC panel of B. */
    static final int NC = Integer.getInteger("kiln.gemm.nc", 1536) / NR * NR;

    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private PackedGemm() {
    }

    /**
     * Rows {@code [rowFrom, rowTo)} of {@code C = op(A)·op(B)} ({@code C += } when {@code acc}),
     * with {@code op(A)[i][p] = a[aOff + i·ars + p·acs]} and {@code op(B)[p][j] = b[bOff + p·brs + j·bcs]};
     * one of each pair of strides is 1. Requires {@code k > 0}.
     */
    static void gemm(int ars, int acs, int brs, int bcs, int rowFrom, int rowTo, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean acc) {
        Buffers buf = BUFFERS.get();
        float[] pa = buf.a;
        float[] pb = buf.b;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = acc || pc > 0;
                packB(b, bOff, brs, bcs, pc, kc, jc, nc, pb);
                for (int ic = rowFrom; ic < rowTo; ic += MC) {
                    int mc = Math.min(MC, rowTo - ic);
                    packA(a, aOff, ars, acs, ic, mc, pc, kc, pa);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ao = ir * kc;
                            int co = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                kernel(kc, pa, ao, pb, bo, c, co, ldc, load);
                            } else {
                                edge(kc, pa, ao, pb, bo, c, co, ldc, load, mr, nr, buf.tile);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A tile cut by the edge of C: the same micro-kernel on a scratch tile, then the valid part copied back. */
    private static void edge(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co, int ldc,
                             boolean load, int mr, int nr, float[] t) {
        if (load) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(c, co + r * ldc, t, r * NR, nr);
            }
        }
        kernel(kc, pa, ao, pb, bo, t, 0, NR, load);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(t, r * NR, c, co + r * ldc, nr);
        }
    }

    /**
     * Rows {@code [ic, ic+mc)} × reduction {@code [pc, pc+kc)} of op(A) as MR-row strips: strip
     * {@code s} holds {@code A[ic+s·MR+r][pc+p]} at {@code s·MR·kc + p·MR + r}; rows past the
     * block are zero.
     */
    private static void packA(float[] a, int aOff, int ars, int acs, int ic, int mc, int pc, int kc, float[] pa) {
        for (int s = 0; s < mc; s += MR) {
            int rows = Math.min(MR, mc - s);
            int base = s * kc;
            if (acs == 1) {
                // rows of A are contiguous: read along p, write with stride MR
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (ic + s + r) * ars + pc;
                    for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                        pa[d] = a[src + p];
                    }
                }
            } else {
                // transposed A: the MR values for one p are contiguous
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, aOff + (pc + p) * acs + ic + s, pa, base + p * MR, rows);
                }
            }
            for (int r = rows; r < MR; r++) {
                for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                    pa[d] = 0f;
                }
            }
        }
    }

    /**
     * Reduction {@code [pc, pc+kc)} × columns {@code [jc, jc+nc)} of op(B) as NR-wide strips:
     * strip {@code s} holds {@code B[pc+p][jc+s·NR+j]} at {@code s·NR·kc + p·NR + j}; columns
     * past the block are zero.
     */
    private static void packB(float[] b, int bOff, int brs, int bcs, int pc, int kc, int jc, int nc, float[] pb) {
        for (int s = 0; s < nc; s += NR) {
            int cols = Math.min(NR, nc - s);
            int base = s * kc;
            if (bcs == 1) {
                // rows of B are contiguous: whole vectors per p
                int src = bOff + pc * brs + jc + s;
                if (cols == NR) {
                    for (int p = 0, d = base; p < kc; p++, d += NR, src += brs) {
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(F, b, src + v).intoArray(pb, d + v);
                        }
                    }
                } else {
                    for (int p = 0, d = base; p < kc; p++, d += NR, src += brs) {
                        System.arraycopy(b, src, pb, d, cols);
                        java.util.Arrays.fill(pb, d + cols, d + NR, 0f);
                    }
                }
            } else {
                // transposed B: read each column of op(B) contiguously, write with stride NR
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + s + j) * bcs + pc;
                    for (int p = 0, d = base + j; p < kc; p++, d += NR) {
                        pb[d] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0, d = base + j; p < kc; p++, d += NR) {
                        pb[d] = 0f;
                    }
                }
            }
        }
    }

    private static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                               boolean load) {
        switch (KIND) {
            case 1 -> kernel12x2(kc, ap, ao, bp, bo, c, co, ldc, load);
            case 2 -> kernel6x4(kc, ap, ao, bp, bo, c, co, ldc, load);
            case 3 -> kernel4x3(kc, ap, ao, bp, bo, c, co, ldc, load);
            default -> kernel8x3(kc, ap, ao, bp, bo, c, co, ldc, load);
        }
    }

    /** 8 rows × 3 vectors: 24 accumulators, 3 B vectors and one broadcast in registers. */
    private static void kernel8x3(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                  boolean load) {
        FloatVector c0_0 = load ? FloatVector.fromArray(F, c, co + 0 * L) : FloatVector.zero(F);
        FloatVector c0_1 = load ? FloatVector.fromArray(F, c, co + 1 * L) : FloatVector.zero(F);
        FloatVector c0_2 = load ? FloatVector.fromArray(F, c, co + 2 * L) : FloatVector.zero(F);
        FloatVector c1_0 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c1_1 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c1_2 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c2_0 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c2_1 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c2_2 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c3_0 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c3_1 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c3_2 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c4_0 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c4_1 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c4_2 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c5_0 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c5_1 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c5_2 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c6_0 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c6_1 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c6_2 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c7_0 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c7_1 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c7_2 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 2 * L) : FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += 8, bo += 3 * L) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ao + 0]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            c0_2 = x0.fma(b2, c0_2);
            FloatVector x1 = FloatVector.broadcast(F, ap[ao + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            c1_2 = x1.fma(b2, c1_2);
            FloatVector x2 = FloatVector.broadcast(F, ap[ao + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            c2_2 = x2.fma(b2, c2_2);
            FloatVector x3 = FloatVector.broadcast(F, ap[ao + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            c3_2 = x3.fma(b2, c3_2);
            FloatVector x4 = FloatVector.broadcast(F, ap[ao + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            c4_2 = x4.fma(b2, c4_2);
            FloatVector x5 = FloatVector.broadcast(F, ap[ao + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            c5_2 = x5.fma(b2, c5_2);
            FloatVector x6 = FloatVector.broadcast(F, ap[ao + 6]);
            c6_0 = x6.fma(b0, c6_0);
            c6_1 = x6.fma(b1, c6_1);
            c6_2 = x6.fma(b2, c6_2);
            FloatVector x7 = FloatVector.broadcast(F, ap[ao + 7]);
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

    /** 12 rows × 2 vectors: 24 accumulators, 2 B vectors and one broadcast in registers. */
    private static void kernel12x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                  boolean load) {
        FloatVector c0_0 = load ? FloatVector.fromArray(F, c, co + 0 * L) : FloatVector.zero(F);
        FloatVector c0_1 = load ? FloatVector.fromArray(F, c, co + 1 * L) : FloatVector.zero(F);
        FloatVector c1_0 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c1_1 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c2_0 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c2_1 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c3_0 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c3_1 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c4_0 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c4_1 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c5_0 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c5_1 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c6_0 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c6_1 = load ? FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c7_0 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c7_1 = load ? FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c8_0 = load ? FloatVector.fromArray(F, c, co + 8 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c8_1 = load ? FloatVector.fromArray(F, c, co + 8 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c9_0 = load ? FloatVector.fromArray(F, c, co + 9 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c9_1 = load ? FloatVector.fromArray(F, c, co + 9 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c10_0 = load ? FloatVector.fromArray(F, c, co + 10 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c10_1 = load ? FloatVector.fromArray(F, c, co + 10 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c11_0 = load ? FloatVector.fromArray(F, c, co + 11 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c11_1 = load ? FloatVector.fromArray(F, c, co + 11 * ldc + 1 * L) : FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += 12, bo += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ao + 0]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            FloatVector x1 = FloatVector.broadcast(F, ap[ao + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            FloatVector x2 = FloatVector.broadcast(F, ap[ao + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            FloatVector x3 = FloatVector.broadcast(F, ap[ao + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            FloatVector x4 = FloatVector.broadcast(F, ap[ao + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            FloatVector x5 = FloatVector.broadcast(F, ap[ao + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            FloatVector x6 = FloatVector.broadcast(F, ap[ao + 6]);
            c6_0 = x6.fma(b0, c6_0);
            c6_1 = x6.fma(b1, c6_1);
            FloatVector x7 = FloatVector.broadcast(F, ap[ao + 7]);
            c7_0 = x7.fma(b0, c7_0);
            c7_1 = x7.fma(b1, c7_1);
            FloatVector x8 = FloatVector.broadcast(F, ap[ao + 8]);
            c8_0 = x8.fma(b0, c8_0);
            c8_1 = x8.fma(b1, c8_1);
            FloatVector x9 = FloatVector.broadcast(F, ap[ao + 9]);
            c9_0 = x9.fma(b0, c9_0);
            c9_1 = x9.fma(b1, c9_1);
            FloatVector x10 = FloatVector.broadcast(F, ap[ao + 10]);
            c10_0 = x10.fma(b0, c10_0);
            c10_1 = x10.fma(b1, c10_1);
            FloatVector x11 = FloatVector.broadcast(F, ap[ao + 11]);
            c11_0 = x11.fma(b0, c11_0);
            c11_1 = x11.fma(b1, c11_1);
        }
        c0_0.intoArray(c, co + 0 * L);
        c0_1.intoArray(c, co + 1 * L);
        c1_0.intoArray(c, co + 1 * ldc + 0 * L);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c2_0.intoArray(c, co + 2 * ldc + 0 * L);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c3_0.intoArray(c, co + 3 * ldc + 0 * L);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c4_0.intoArray(c, co + 4 * ldc + 0 * L);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c5_0.intoArray(c, co + 5 * ldc + 0 * L);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
        c6_0.intoArray(c, co + 6 * ldc + 0 * L);
        c6_1.intoArray(c, co + 6 * ldc + 1 * L);
        c7_0.intoArray(c, co + 7 * ldc + 0 * L);
        c7_1.intoArray(c, co + 7 * ldc + 1 * L);
        c8_0.intoArray(c, co + 8 * ldc + 0 * L);
        c8_1.intoArray(c, co + 8 * ldc + 1 * L);
        c9_0.intoArray(c, co + 9 * ldc + 0 * L);
        c9_1.intoArray(c, co + 9 * ldc + 1 * L);
        c10_0.intoArray(c, co + 10 * ldc + 0 * L);
        c10_1.intoArray(c, co + 10 * ldc + 1 * L);
        c11_0.intoArray(c, co + 11 * ldc + 0 * L);
        c11_1.intoArray(c, co + 11 * ldc + 1 * L);
    }

    /** 6 rows × 4 vectors: 24 accumulators, 4 B vectors and one broadcast in registers. */
    private static void kernel6x4(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                  boolean load) {
        FloatVector c0_0 = load ? FloatVector.fromArray(F, c, co + 0 * L) : FloatVector.zero(F);
        FloatVector c0_1 = load ? FloatVector.fromArray(F, c, co + 1 * L) : FloatVector.zero(F);
        FloatVector c0_2 = load ? FloatVector.fromArray(F, c, co + 2 * L) : FloatVector.zero(F);
        FloatVector c0_3 = load ? FloatVector.fromArray(F, c, co + 3 * L) : FloatVector.zero(F);
        FloatVector c1_0 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c1_1 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c1_2 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c1_3 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 3 * L) : FloatVector.zero(F);
        FloatVector c2_0 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c2_1 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c2_2 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c2_3 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 3 * L) : FloatVector.zero(F);
        FloatVector c3_0 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c3_1 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c3_2 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c3_3 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 3 * L) : FloatVector.zero(F);
        FloatVector c4_0 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c4_1 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c4_2 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c4_3 = load ? FloatVector.fromArray(F, c, co + 4 * ldc + 3 * L) : FloatVector.zero(F);
        FloatVector c5_0 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c5_1 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c5_2 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c5_3 = load ? FloatVector.fromArray(F, c, co + 5 * ldc + 3 * L) : FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += 6, bo += 4 * L) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, bp, bo + 3 * L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ao + 0]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            c0_2 = x0.fma(b2, c0_2);
            c0_3 = x0.fma(b3, c0_3);
            FloatVector x1 = FloatVector.broadcast(F, ap[ao + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            c1_2 = x1.fma(b2, c1_2);
            c1_3 = x1.fma(b3, c1_3);
            FloatVector x2 = FloatVector.broadcast(F, ap[ao + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            c2_2 = x2.fma(b2, c2_2);
            c2_3 = x2.fma(b3, c2_3);
            FloatVector x3 = FloatVector.broadcast(F, ap[ao + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            c3_2 = x3.fma(b2, c3_2);
            c3_3 = x3.fma(b3, c3_3);
            FloatVector x4 = FloatVector.broadcast(F, ap[ao + 4]);
            c4_0 = x4.fma(b0, c4_0);
            c4_1 = x4.fma(b1, c4_1);
            c4_2 = x4.fma(b2, c4_2);
            c4_3 = x4.fma(b3, c4_3);
            FloatVector x5 = FloatVector.broadcast(F, ap[ao + 5]);
            c5_0 = x5.fma(b0, c5_0);
            c5_1 = x5.fma(b1, c5_1);
            c5_2 = x5.fma(b2, c5_2);
            c5_3 = x5.fma(b3, c5_3);
        }
        c0_0.intoArray(c, co + 0 * L);
        c0_1.intoArray(c, co + 1 * L);
        c0_2.intoArray(c, co + 2 * L);
        c0_3.intoArray(c, co + 3 * L);
        c1_0.intoArray(c, co + 1 * ldc + 0 * L);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c1_2.intoArray(c, co + 1 * ldc + 2 * L);
        c1_3.intoArray(c, co + 1 * ldc + 3 * L);
        c2_0.intoArray(c, co + 2 * ldc + 0 * L);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c2_2.intoArray(c, co + 2 * ldc + 2 * L);
        c2_3.intoArray(c, co + 2 * ldc + 3 * L);
        c3_0.intoArray(c, co + 3 * ldc + 0 * L);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c3_2.intoArray(c, co + 3 * ldc + 2 * L);
        c3_3.intoArray(c, co + 3 * ldc + 3 * L);
        c4_0.intoArray(c, co + 4 * ldc + 0 * L);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c4_2.intoArray(c, co + 4 * ldc + 2 * L);
        c4_3.intoArray(c, co + 4 * ldc + 3 * L);
        c5_0.intoArray(c, co + 5 * ldc + 0 * L);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
        c5_2.intoArray(c, co + 5 * ldc + 2 * L);
        c5_3.intoArray(c, co + 5 * ldc + 3 * L);
    }

    /** 4 rows × 3 vectors: 12 accumulators, 3 B vectors and one broadcast in registers. */
    private static void kernel4x3(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc,
                                  boolean load) {
        FloatVector c0_0 = load ? FloatVector.fromArray(F, c, co + 0 * L) : FloatVector.zero(F);
        FloatVector c0_1 = load ? FloatVector.fromArray(F, c, co + 1 * L) : FloatVector.zero(F);
        FloatVector c0_2 = load ? FloatVector.fromArray(F, c, co + 2 * L) : FloatVector.zero(F);
        FloatVector c1_0 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c1_1 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c1_2 = load ? FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c2_0 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c2_1 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c2_2 = load ? FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L) : FloatVector.zero(F);
        FloatVector c3_0 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 0 * L) : FloatVector.zero(F);
        FloatVector c3_1 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L) : FloatVector.zero(F);
        FloatVector c3_2 = load ? FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L) : FloatVector.zero(F);
        for (int p = 0; p < kc; p++, ao += 4, bo += 3 * L) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bo + 0 * L);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ao + 0]);
            c0_0 = x0.fma(b0, c0_0);
            c0_1 = x0.fma(b1, c0_1);
            c0_2 = x0.fma(b2, c0_2);
            FloatVector x1 = FloatVector.broadcast(F, ap[ao + 1]);
            c1_0 = x1.fma(b0, c1_0);
            c1_1 = x1.fma(b1, c1_1);
            c1_2 = x1.fma(b2, c1_2);
            FloatVector x2 = FloatVector.broadcast(F, ap[ao + 2]);
            c2_0 = x2.fma(b0, c2_0);
            c2_1 = x2.fma(b1, c2_1);
            c2_2 = x2.fma(b2, c2_2);
            FloatVector x3 = FloatVector.broadcast(F, ap[ao + 3]);
            c3_0 = x3.fma(b0, c3_0);
            c3_1 = x3.fma(b1, c3_1);
            c3_2 = x3.fma(b2, c3_2);
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
    }
}
