package dev.kiln.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.kernels.KernelAgreementTest.assertClose;
import static dev.kiln.kernels.KernelAgreementTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vector against scalar for the activation, dropout and batch norm kernels, on sizes that are not
 * multiples of any lane count, and the properties training reproducibility rests on: the dropout
 * mask is bit-identical in both and does not depend on how a range is split.
 */
class LayerKernelsAgreementTest {

    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = new VectorKernels();

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 1037})
    void activationsAgree(int n) {
        Random r = new Random(n);
        float[] x = random(r, n);
        for (int i = 0; i < n; i += 5) {
            x[i] *= 40; // far into the saturated range of tanh and sigmoid
        }
        float[] g = random(r, n);
        int from = n > 3 ? 3 : 0;
        float[] a = new float[n];
        float[] b = new float[n];

        scalar.leakyRelu(x, a, 0.01f, from, n);
        vector.leakyRelu(x, b, 0.01f, from, n);
        assertArrayEquals(a, b, "leakyRelu");
        scalar.leakyReluBackward(x, g, a, -0.3f, from, n);
        vector.leakyReluBackward(x, g, b, -0.3f, from, n);
        assertArrayEquals(a, b, "leakyRelu backward");

        float[] y = new float[n];
        scalar.tanh(x, a, from, n);
        vector.tanh(x, b, from, n);
        assertClose(a, b, 1, "tanh");
        scalar.tanh(x, y, 0, n);
        scalar.tanhBackward(y, g, a, from, n);
        vector.tanhBackward(y, g, b, from, n);
        assertArrayEquals(a, b, "tanh backward");

        scalar.sigmoid(x, a, from, n);
        vector.sigmoid(x, b, from, n);
        assertClose(a, b, 1, "sigmoid");
        scalar.sigmoid(x, y, 0, n);
        scalar.sigmoidBackward(y, g, a, from, n);
        vector.sigmoidBackward(y, g, b, from, n);
        assertArrayEquals(a, b, "sigmoid backward");
    }

    @Test
    void sigmoidIsFiniteAndExactAtTheExtremes() {
        float[] x = {-Float.MAX_VALUE, -1000f, -88.8f, -20f, 0f, 20f, 88.8f, 1000f, Float.MAX_VALUE};
        for (Kernels k : new Kernels[] {scalar, vector}) {
            float[] y = new float[x.length];
            k.sigmoid(x, y, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertTrue(y[i] >= 0f && y[i] <= 1f, k.name() + " sigmoid(" + x[i] + ") = " + y[i]);
                assertEquals(1.0 / (1.0 + Math.exp(-x[i])), y[i], 1e-7, k.name() + " sigmoid(" + x[i] + ")");
            }
            float[] t = new float[x.length];
            k.tanh(x, t, 0, x.length);
            assertEquals(-1f, t[0]);
            assertEquals(1f, t[x.length - 1]);
        }
    }

    @Test
    void dropoutMaskIsBitIdenticalAndSplitIndependent() {
        int n = 5003;
        float[] x = random(new Random(4), n);
        double rate = 0.3;
        int thr = MaskHash.threshold(rate);
        float scale = (float) (1 / (1 - rate));
        long key = MaskHash.key(42, 3, 17);
        float[] whole = new float[n];
        scalar.dropout(key, thr, scale, x, whole, 0, n);
        float[] v = new float[n];
        vector.dropout(key, thr, scale, x, v, 0, n);
        assertArrayEquals(whole, v, "vector = scalar");
        float[] split = new float[n];
        int[] cuts = {0, 1, 7, 64, 1000, 1024, 4099, n};
        for (int i = 0; i + 1 < cuts.length; i++) {
            vector.dropout(key, thr, scale, x, split, cuts[i], cuts[i + 1]);
        }
        assertArrayEquals(whole, split, "split at odd places");
        float[] inPlace = x.clone();
        vector.dropout(key, thr, scale, inPlace, inPlace, 0, n);
        assertArrayEquals(whole, inPlace, "in place");

        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (whole[i] != 0f) {
                kept++;
                assertEquals(x[i] * scale, whole[i]);
            }
        }
        // 5003 draws at p = 0.7: standard deviation ~32
        assertEquals(0.7 * n, kept, 5 * Math.sqrt(n * 0.21), "kept fraction");

        float[] other = new float[n];
        vector.dropout(MaskHash.key(42, 3, 18), thr, scale, x, other, 0, n);
        assertTrue(!java.util.Arrays.equals(whole, other), "the next step draws another mask");
        float[] none = new float[n];
        vector.dropout(key, 0, 1f, x, none, 0, n);
        assertArrayEquals(x, none, "rate 0 keeps everything");
    }

    /** {@code batch, channels, spatial}: flat inputs (spatial 1) and images. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "5,3,1", "7,37,1", "3,70,1", "4,3,9", "2,5,31", "6,2,100"})
    void batchNormKernelsAgree(int batch, int channels, int spatial) {
        Random r = new Random(batch * 100 + channels * 10 + spatial);
        int n = batch * channels * spatial;
        float[] x = random(r, n);
        for (int i = 0; i < n; i++) {
            x[i] = x[i] * 3 + 5; // an offset makes a one-pass variance visibly wrong
        }
        float[] dy = random(r, n);
        int terms = batch * spatial;

        float[] m0 = new float[channels], v0 = new float[channels];
        float[] m1 = new float[channels], v1 = new float[channels];
        scalar.channelMeanVar(x, batch, channels, spatial, 0, channels, m0, v0);
        vector.channelMeanVar(x, batch, channels, spatial, 0, channels, m1, v1);
        assertClose(m0, m1, terms, "mean");
        assertClose(v0, v1, terms, "variance");
        float[] split0 = new float[channels], split1 = new float[channels];
        for (int c = 0; c < channels; c += 3) {
            vector.channelMeanVar(x, batch, channels, spatial, c, Math.min(channels, c + 3), split0, split1);
        }
        assertArrayEquals(m1, split0, "mean, channel ranges split");
        assertArrayEquals(v1, split1, "variance, channel ranges split");

        float[] scale = random(r, channels), shift = random(r, channels);
        float[] y0 = new float[n], y1 = new float[n];
        scalar.channelAffine(x, y0, channels, spatial, 0, batch, scale, shift);
        vector.channelAffine(x, y1, channels, spatial, 0, batch, scale, shift);
        assertArrayEquals(y0, y1, "affine");

        float[] invStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            invStd[c] = (float) (1 / Math.sqrt(v0[c] + 1e-5));
        }
        float[] s0 = new float[channels], sx0 = new float[channels];
        float[] s1 = new float[channels], sx1 = new float[channels];
        scalar.channelGradSums(x, dy, batch, channels, spatial, 0, channels, m0, invStd, s0, sx0);
        vector.channelGradSums(x, dy, batch, channels, spatial, 0, channels, m0, invStd, s1, sx1);
        assertClose(s0, s1, terms, "sum dy");
        assertClose(sx0, sx1, terms, "sum dy·xhat");
        float[] t0 = new float[channels], t1 = new float[channels];
        for (int c = 0; c < channels; c += 5) {
            vector.channelGradSums(x, dy, batch, channels, spatial, c, Math.min(channels, c + 5), m0, invStd, t0, t1);
        }
        assertArrayEquals(s1, t0, "sum dy, channel ranges split");
        assertArrayEquals(sx1, t1, "sum dy·xhat, channel ranges split");

        float[] md = random(r, channels), mdx = random(r, channels);
        float[] d0 = new float[n], d1 = new float[n];
        scalar.batchNormBackward(x, dy, d0, channels, spatial, 0, batch, m0, invStd, scale, md, mdx);
        vector.batchNormBackward(x, dy, d1, channels, spatial, 0, batch, m0, invStd, scale, md, mdx);
        assertArrayEquals(d0, d1, "backward");
    }
}
