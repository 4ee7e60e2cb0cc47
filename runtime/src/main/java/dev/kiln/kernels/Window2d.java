package dev.kiln.kernels;

/**
 * A two-dimensional sliding window over {@code channels} planes of {@code inH × inW}: the
 * geometry shared by convolution (through {@link Kernels#im2col}) and pooling. Padding is
 * explicit per side, and the output size follows ONNX with {@code ceil_mode = 0}:
 * {@code out = floor((in + padBegin + padEnd - k) / stride) + 1}.
 *
 * @param channels  planes in one sample
 * @param inH       input height
 * @param inW       input width
 * @param kh        window height
 * @param kw        window width
 * @param sh        vertical stride
 * @param sw        horizontal stride
 * @param padTop    rows of padding above
 * @param padLeft   columns of padding to the left
 * @param padBottom rows of padding below
 * @param padRight  columns of padding to the right
 */
public record Window2d(int channels, int inH, int inW, int kh, int kw, int sh, int sw,
                       int padTop, int padLeft, int padBottom, int padRight) {

    public Window2d {
        if (channels < 1 || inH < 1 || inW < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("bad window geometry " + describe(channels, inH, inW, kh, kw, sh, sw,
                    padTop, padLeft, padBottom, padRight));
        }
        if (inH + padTop + padBottom < kh || inW + padLeft + padRight < kw) {
            throw new IllegalArgumentException("window " + kh + "x" + kw + " is larger than the padded input "
                    + (inH + padTop + padBottom) + "x" + (inW + padLeft + padRight));
        }
    }

    /** Output height. */
    public int outH() {
        return (inH + padTop + padBottom - kh) / sh + 1;
    }

    /** Output width. */
    public int outW() {
        return (inW + padLeft + padRight - kw) / sw + 1;
    }

    /** Elements of one input plane. */
    public int inPlane() {
        return inH * inW;
    }

    /** Elements of one output plane. */
    public int outPlane() {
        return outH() * outW();
    }

    /** Rows of the im2col matrix: {@code channels · kh · kw}. */
    public int colRows() {
        return channels * kh * kw;
    }

    /** First output row whose window row {@code ki} is at or below input row 0. */
    int firstInsideY(int ki) {
        return firstInside(padTop, ki, sh);
    }

    /** One past the last output row whose window row {@code ki} is inside the input. */
    int endInsideY(int ki) {
        return endInside(inH, padTop, ki, sh, outH());
    }

    /** First output column whose window starts at or right of input column 0 for window column {@code kj}. */
    int firstInsideX(int kj) {
        return firstInside(padLeft, kj, sw);
    }

    /** One past the last output column that reads inside the input for window column {@code kj}. */
    int endInsideX(int kj) {
        return endInside(inW, padLeft, kj, sw, outW());
    }

    /** Along one axis: the smallest output index o with {@code o·stride - pad + k >= 0}. */
    private static int firstInside(int pad, int k, int stride) {
        int need = pad - k;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /**
     * Along one axis: one past the largest output index o with {@code o·stride - pad + k <= in - 1},
     * clamped to {@code out}.
     */
    private static int endInside(int in, int pad, int k, int stride, int out) {
        int lim = in - 1 + pad - k;
        return lim < 0 ? 0 : Math.min(out, lim / stride + 1);
    }

    @Override
    public String toString() {
        return describe(channels, inH, inW, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight);
    }

    private static String describe(int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr) {
        return c + "x" + h + "x" + w + " window " + kh + "x" + kw + " stride " + sh + "x" + sw
                + " pads [" + pt + "," + pl + "," + pb + "," + pr + "]";
    }
}
