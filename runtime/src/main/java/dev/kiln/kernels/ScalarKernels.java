package dev.kiln.kernels;

/** Plain-Java reference kernels: the behaviour the vector kernels are tested against. */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int rowFrom, int rowTo, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        int ars = transA ? 1 : lda;
        int acs = transA ? lda : 1;
        int brs = transB ? 1 : ldb;
        int bcs = transB ? ldb : 1;
        for (int i = rowFrom; i < rowTo; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[aOff + i * ars + p * acs], b[bOff + p * brs + j * bcs], s);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
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
    public void leakyRelu(float[] in, float[] out, float alpha, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = in[i];
            out[i] = x > 0f ? x : alpha * x;
        }
    }

    @Override
    public void leakyReluBackward(float[] in, float[] gradOut, float[] gradIn, float alpha, int from, int to) {
        for (int i = from; i < to; i++) {
            gradIn[i] = in[i] > 0f ? gradOut[i] : alpha * gradOut[i];
        }
    }

    @Override
    public void tanh(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
    }

    @Override
    public void tanhBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            float y = out[i];
            gradIn[i] = gradOut[i] * (1f - y * y);
        }
    }

    @Override
    public void sigmoid(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = sigmoid(in[i]);
        }
    }

    /** exp of a non-positive number only, so neither branch can overflow. */
    static float sigmoid(float x) {
        float e = (float) Math.exp(-Math.abs(x));
        float d = 1f + e;
        return x >= 0f ? 1f / d : e / d;
    }

    @Override
    public void sigmoidBackward(float[] out, float[] gradOut, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            float y = out[i];
            gradIn[i] = gradOut[i] * (y * (1f - y));
        }
    }

    @Override
    public void dropout(long key, int threshold, float scale, float[] src, float[] dst, int from, int to) {
        for (int i = from; i < to; i++) {
            dst[i] = MaskHash.keep(key, i, threshold) ? src[i] * scale : 0f;
        }
    }

    @Override
    public void channelMeanVar(float[] x, int batch, int channels, int spatial, int cFrom, int cTo,
                               float[] mean, float[] var) {
        float inv = 1f / ((float) batch * spatial);
        for (int c = cFrom; c < cTo; c++) {
            float s = 0f;
            for (int r = 0; r < batch; r++) {
                int o = (r * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    s += x[o + p];
                }
            }
            float m = s * inv;
            float v = 0f;
            for (int r = 0; r < batch; r++) {
                int o = (r * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    float d = x[o + p] - m;
                    v = Math.fma(d, d, v);
                }
            }
            mean[c] = m;
            var[c] = v * inv;
        }
    }

    @Override
    public void channelAffine(float[] x, float[] y, int channels, int spatial, int rowFrom, int rowTo,
                              float[] scale, float[] shift) {
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = 0; c < channels; c++) {
                int o = (r * channels + c) * spatial;
                float a = scale[c];
                float b = shift[c];
                for (int p = 0; p < spatial; p++) {
                    y[o + p] = Math.fma(x[o + p], a, b);
                }
            }
        }
    }

    @Override
    public void channelGradSums(float[] x, float[] dy, int batch, int channels, int spatial, int cFrom, int cTo,
                                float[] mean, float[] invStd, float[] sumDy, float[] sumDyXhat) {
        for (int c = cFrom; c < cTo; c++) {
            float m = mean[c];
            float s = 0f;
            float sx = 0f;
            for (int r = 0; r < batch; r++) {
                int o = (r * channels + c) * spatial;
                for (int p = 0; p < spatial; p++) {
                    float g = dy[o + p];
                    s += g;
                    sx = Math.fma(g, x[o + p] - m, sx);
                }
            }
            sumDy[c] = s;
            sumDyXhat[c] = sx * invStd[c];
        }
    }

    @Override
    public void batchNormBackward(float[] x, float[] dy, float[] dx, int channels, int spatial, int rowFrom,
                                  int rowTo, float[] mean, float[] invStd, float[] gain, float[] meanDy,
                                  float[] meanDyXhat) {
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = 0; c < channels; c++) {
                int o = (r * channels + c) * spatial;
                float m = mean[c];
                float k = invStd[c] * meanDyXhat[c];
                float g = gain[c];
                float md = meanDy[c];
                for (int p = 0; p < spatial; p++) {
                    dx[o + p] = g * (dy[o + p] - md - (x[o + p] - m) * k);
                }
            }
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
            float mi = floor(beta1 * m[i] + c1 * gi);
            float vi = floor(beta2 * v[i] + c2 * gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] -= lrT * mi / ((float) Math.sqrt(vi) + epsT);
        }
    }

    @Override
    public void sgd(float[] p, float[] g, float[] vel, int from, int to, float lr, float mu) {
        for (int i = from; i < to; i++) {
            float vi = floor(mu * vel[i] + g[i]);
            vel[i] = vi;
            p[i] -= lr * vi;
        }
    }

    /** 0 for state below {@link Kernels#STATE_FLOOR} in magnitude. */
    static float floor(float x) {
        return Math.abs(x) < STATE_FLOOR ? 0f : x;
    }

    @Override
    public void im2col(float[] x, int xOff, Window2d g, float[] col, int colOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW();
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int o = colOff + row * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        int ih = y * g.sh() - g.padTop() + ki;
                        for (int xo = 0; xo < ow; xo++) {
                            int iw = xo * g.sw() - g.padLeft() + kj;
                            col[o++] = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[xOff + (c * h + ih) * w + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2im(float[] col, int colOff, Window2d g, float[] dx, int dxOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW();
        java.util.Arrays.fill(dx, dxOff, dxOff + g.channels() * h * w, 0f);
        int row = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++, row++) {
                    int o = colOff + row * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        int ih = y * g.sh() - g.padTop() + ki;
                        for (int xo = 0; xo < ow; xo++, o++) {
                            int iw = xo * g.sw() - g.padLeft() + kj;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                dx[dxOff + (c * h + ih) * w + iw] += col[o];
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void maxPool(float[] x, int xOff, Window2d g, float[] y, int yOff, int[] arg, int argOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW();
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                for (int xo = 0; xo < ow; xo++, o++) {
                    int w0 = Math.max(0, xo * g.sw() - g.padLeft());
                    int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
                    int best = (c * h + h0) * w + w0;
                    float m = x[xOff + best];
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int i = (c * h + ih) * w + iw;
                            if (x[xOff + i] > m) {
                                m = x[xOff + i];
                                best = i;
                            }
                        }
                    }
                    y[yOff + o] = m;
                    arg[argOff + o] = best;
                }
            }
        }
    }

    @Override
    public void avgPool(float[] x, int xOff, Window2d g, float[] y, int yOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW();
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                for (int xo = 0; xo < ow; xo++, o++) {
                    int w0 = Math.max(0, xo * g.sw() - g.padLeft());
                    int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
                    float s = 0f;
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            s += x[xOff + (c * h + ih) * w + iw];
                        }
                    }
                    y[yOff + o] = s / ((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    @Override
    public void avgPoolBackward(float[] dy, int dyOff, Window2d g, float[] dx, int dxOff) {
        int oh = g.outH(), ow = g.outW(), h = g.inH(), w = g.inW();
        java.util.Arrays.fill(dx, dxOff, dxOff + g.channels() * h * w, 0f);
        int o = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int yo = 0; yo < oh; yo++) {
                int h0 = Math.max(0, yo * g.sh() - g.padTop());
                int h1 = Math.min(h, yo * g.sh() - g.padTop() + g.kh());
                for (int xo = 0; xo < ow; xo++, o++) {
                    int w0 = Math.max(0, xo * g.sw() - g.padLeft());
                    int w1 = Math.min(w, xo * g.sw() - g.padLeft() + g.kw());
                    float d = dy[dyOff + o] / ((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            dx[dxOff + (c * h + ih) * w + iw] += d;
                        }
                    }
                }
            }
        }
    }

    @Override
    public float sum(float[] a, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    @Override
    public void fill(float[] a, int from, int to, float value) {
        java.util.Arrays.fill(a, from, to, value);
    }
}
