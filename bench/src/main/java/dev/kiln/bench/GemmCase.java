package dev.kiln.bench;

import dev.kiln.kernels.Kernels;
import dev.kiln.nn.Compute;
import dev.kiln.parallel.Parallel;

import java.util.SplittableRandom;

/**
 * One GEMM as the layers call it: {@code C = op(A)·op(B)} with {@code C} {@code m×n} and reduction
 * length {@code k}, split over rows or column strips of {@code C} exactly like {@link Compute#gemm}
 * does in {@code Dense}. Shapes are written {@code OP:MxNxK}:
 * <ul>
 *   <li>{@code NN} — forward {@code X·W}: {@code m} = batch, {@code n} = outputs, {@code k} = inputs;</li>
 *   <li>{@code TN} — weight gradient {@code Xᵀ·dY}: {@code m} = inputs, {@code n} = outputs,
 *       {@code k} = batch ({@code X} is stored {@code batch×inputs});</li>
 *   <li>{@code NT} — input gradient {@code dY·Wᵀ}: {@code m} = batch, {@code n} = inputs,
 *       {@code k} = outputs ({@code W} is stored {@code inputs×outputs}).</li>
 * </ul>
 * One call is {@code 2·m·n·k} FLOP.
 */
final class GemmCase implements AutoCloseable {

    final String op;
    final int m;
    final int n;
    final int k;
    final long flops;
    final Kernels kernels;
    private final Parallel parallel;
    private final Compute compute;
    private final boolean transA;
    private final boolean transB;
    private final float[] a;
    private final int lda;
    private final float[] b;
    private final int ldb;
    final float[] c;

    GemmCase(String shape, Kernels kernels, int threads) {
        String[] opDims = shape.split(":");
        if (opDims.length != 2 || !opDims[1].matches("[1-9][0-9]*x[1-9][0-9]*x[1-9][0-9]*")) {
            throw new IllegalArgumentException("shape must be OP:MxNxK with positive M, N and K, got " + shape);
        }
        String[] dims = opDims[1].split("x");
        this.op = opDims[0];
        this.m = Integer.parseInt(dims[0]);
        this.n = Integer.parseInt(dims[1]);
        this.k = Integer.parseInt(dims[2]);
        this.flops = 2L * m * n * k;
        this.kernels = kernels;
        switch (op) {
            case "NN" -> { transA = false; transB = false; lda = k; ldb = n; }
            case "TN" -> { transA = true; transB = false; lda = m; ldb = n; }
            case "NT" -> { transA = false; transB = true; lda = k; ldb = k; }
            default -> throw new IllegalArgumentException("OP must be NN, TN or NT, got " + op);
        }
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(rnd, m * k);
        b = random(rnd, k * n);
        c = new float[m * n];
        parallel = new Parallel(threads);
        compute = new Compute(kernels, parallel);
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** One product on the pool, split as training splits it ({@link Compute#gemm}: rows, or column strips when short and wide). */
    float[] run() {
        compute.gemm(transA, transB, m, n, k, a, lda, b, ldb, c, n, false);
        return c;
    }

    @Override
    public void close() {
        parallel.close();
    }
}
