package dev.kiln.maven;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How {@code dl:evaluate} turns IDX pixels ({@code 0..255}) into a model's input:
 * {@code (pixel * scale - mean) / std}, laid out as {@code layout}.
 *
 * @param scale  pixel multiplier: {@code 1} for Kiln models (raw pixels), {@code 1/255} for models trained on {@code [0, 1]}
 * @param mean   subtracted after scaling
 * @param std    divisor after subtracting the mean; {@code > 0}
 * @param layout how the batch tensor is shaped
 */
record Preprocessing(double scale, double mean, double std, Layout layout) {

    /** Tensor layouts of grayscale image batches. */
    enum Layout {
        /** {@code [N, 1, H, W]}: PyTorch and Kiln. */
        NCHW,
        /** {@code [N, H, W, 1]}: TensorFlow/Keras. */
        NHWC,
        /** {@code [N, H*W]}: MLPs exported without a flatten step. */
        FLAT;

        /** Parses {@code NCHW}, {@code NHWC} or {@code flat}, ignoring case; {@code null} for anything else. */
        static Layout parse(String s) {
            if (s == null) {
                return null;
            }
            for (Layout l : values()) {
                if (l.name().equalsIgnoreCase(s.trim())) {
                    return l;
                }
            }
            return null;
        }

        /** How users write it: {@code NCHW}, {@code NHWC}, {@code flat}. */
        String display() {
            return this == FLAT ? "flat" : name();
        }

        /** The shape of a batch of {@code n} images ({@code -1} for a symbolic batch). */
        long[] shape(long n, int rows, int cols) {
            return switch (this) {
                case NCHW -> new long[] {n, 1, rows, cols};
                case NHWC -> new long[] {n, rows, cols, 1};
                case FLAT -> new long[] {n, (long) rows * cols};
            };
        }

        /** Whether a model input of shape {@code dims} ({@code -1} = symbolic) takes this layout's batches. */
        boolean fits(long[] dims, int rows, int cols) {
            long[] want = shape(-1, rows, cols);
            if (dims.length != want.length) {
                return false;
            }
            for (int i = 1; i < dims.length; i++) {
                if (dims[i] >= 0 && dims[i] != want[i]) {
                    return false;
                }
            }
            return true;
        }

        /** The layouts a model input fits, for error messages. */
        static List<Layout> fitting(long[] dims, int rows, int cols) {
            List<Layout> out = new ArrayList<>();
            for (Layout l : values()) {
                if (l.fits(dims, rows, cols)) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    /**
     * Fills {@code out} with images {@code start .. start+count-1}; for one channel NCHW, NHWC and
     * flat order the pixels the same way (row-major), so only the shape differs.
     */
    void fill(byte[] pixels, int pixelsPerImage, int start, int count, float[] out) {
        int from = start * pixelsPerImage;
        int n = count * pixelsPerImage;
        float s = (float) (scale / std);
        float shift = (float) (-mean / std);
        for (int i = 0; i < n; i++) {
            out[i] = (pixels[from + i] & 0xFF) * s + shift;
        }
    }

    /** For log lines: {@code NCHW, scale 1, mean 0, std 1}. */
    String describe() {
        return String.format(Locale.ROOT, "%s, scale %s, mean %s, std %s", layout.display(), num(scale), num(mean), num(std));
    }

    static String shape(long[] dims) {
        String[] parts = new String[dims.length];
        for (int i = 0; i < dims.length; i++) {
            parts[i] = dims[i] < 0 ? "N" : Long.toString(dims[i]);
        }
        return Arrays.toString(parts).replace(" ", "");
    }

    private static String num(double d) {
        return AccuracyGate.plain(d);
    }
}
