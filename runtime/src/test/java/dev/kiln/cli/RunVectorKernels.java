package dev.kiln.cli;

import dev.kiln.kernels.KernelProvider;
import dev.kiln.kernels.Kernels;

/**
 * Runs a few of the vector kernels once, on small arrays, and prints their kernels' name
 * ({@code kernels=vector ...}): a program for {@link TrainerJvmOptionsTest} to start under the
 * trainer's JVM options and watch what HotSpot compiles.
 */
public final class RunVectorKernels {

    private RunVectorKernels() {
    }

    public static void main(String[] args) {
        Kernels k = KernelProvider.get();
        int n = 64;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
            b[i] = (i % 5) - 2;
        }
        k.gemm(false, false, 0, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        float[] out = new float[n];
        k.relu(c, out, 0, n);
        float[] grad = new float[n];
        k.reluBackward(out, b, grad, 0, n);
        float[] m = new float[n];
        float[] v = new float[n];
        k.adam(out, grad, m, v, 0, n, 0.9f, 0.999f, 1e-3f, 1e-8f);
        k.fill(m, 0, n, 1f);
        // one write, found even amid the JIT's own output on the same stream
        System.out.println("kernels=" + k.name() + " " + k.sum(out, 0, n));
    }
}
