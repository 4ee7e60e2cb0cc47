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
        // smallest y with y*sh - padTop + ki >= 0
        int need = padTop - ki;
        return need <= 0 ? 0 : (need + sh - 1) / sh;
    }

    /** One past the last output row whose window row {@code ki} is inside the input. */
    int endInsideY(int ki) {
        // largest y with y*sh - padTop + ki <= inH - 1, plus one, clamped to outH
        int lim = inH - 1 + padTop - ki;
        return lim < 0 ? 0 : Math.min(outH(), lim / sh + 1);
    }

    /** First output column whose window starts at or right of input column 0 for window column {@code kj}. */
    int firstInsideX(int kj) {
        // smallest x with x*sw - padLeft + kj >= 0
        int need = padLeft - kj;
        return need <= 0 ? 0 : (need + sw - 1) / sw;
    }

    /** One past the last output column that reads inside the input for window column {@code kj}. */
    int endInsideX(int kj) {
        // largest x with x*sw - padLeft + kj <= inW - 1, plus one, clamped to outW
        int lim = inW - 1 + padLeft - kj;
        return lim < 0 ? 0 : Math.min(outW(), lim / sw + 1);
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
