package dev.kiln.cli;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;

/**
 * Runs one small packed product a few thousand times, alternately with B as stored and
 * transposed, so that the JIT compiles the GEMM's drivers: a program for
 * {@link TrainerJvmOptionsTest} to start under the trainer's JVM options and watch what HotSpot
 * inlines.
 */
public final class RunHotGemm {

    private RunHotGemm() {
    }

    public static void main(String[] args) {
        Kernels k = KernelProvider.get();
        int m = 16;
        int n = 48;
        int depth = 16;
        float[] a = new float[m * depth];
        float[] b = new float[depth * n];
        float[] c = new float[m * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) - 2;
        }
        for (int r = 0; r < 3000; r++) {
            boolean transB = r % 2 == 1;
            a[r % a.length] = r % 3;
            k.gemm(false, transB, 0, m, n, depth, a, 0, depth, b, 0, transB ? depth : n, c, 0, n, false);
        }
        // one write, found even amid the JIT's own output on the same stream
        System.out.println("kernels=" + k.name() + " " + k.sum(c, 0, c.length));
    }
}
