package dev.kiln.kernels;

/** Plain-Java reference kernels: the behaviour the vector kernels are tested against. */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                     float[] a, int lda, float[] b, int ldb, float[] c, int ldc, boolean accumulate) {
        int ars = transA ? 1 : lda;
        int acs = transA ? lda : 1;
        int brs = transB ? 1 : ldb;
        int bcs = transB ? ldb : 1;
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[i * ars + p * acs], b[p * brs + j * bcs], s);
                }
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s;
            }
        }
    }

    @Override
    public void addRowVector(float[] c, int rowFrom, int rowTo, int n, float[] bias) {
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] += bias[j];
            }
        }
    }

    @Override
    public void sumColumns(float[] m, int rows, int n, int colFrom, int colTo, float[] out) {
        for (int j = colFrom; j < colTo; j++) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                s += m[r * n + j];
            }
            out[j] = s;
        }
    }

    @Override
    public void relu(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = Math.max(0f, in[i]);
        }
    }

    @Override
    public void reluBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            gradIn[i] = out[i] > 0f ? gradOut[i] : 0f;
        }
    }

    @Override
    public void normalize(byte[] pixels, int off, float[] out, int outOff, int len, float scale, float shift) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = Math.fma(pixels[off + i] & 0xFF, scale, shift);
        }
    }

    @Override
    public void adam(float[] p, float[] g, float[] m, float[] v, int from, int to,
                     float beta1, float beta2, float lrT, float epsT) {
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + c1 * gi;
            float vi = beta2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= lrT * mi / ((float) Math.sqrt(vi) + epsT);
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] vel, int from, int to, float lr, float mu) {
        for (int i = from; i < to; i++) {
            float vi = mu * vel[i] + g[i];
            vel[i] = vi;
            p[i] -= lr * vi;
        }
    }
}
