package dev.kiln.report;

import dev.kiln.data.DatasetDigests;
import dev.kiln.data.ImageSet;
import dev.kiln.train.EpochStats;
import dev.kiln.train.TrainingResult;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The {@code <name>.html} training report: one self-contained page (inline CSS and SVG, images as
 * {@code data:} URIs, no scripts, nothing fetched) with the loss and accuracy curves, the
 * confusion matrix as a heat map, per-class accuracy, the misclassified test images with their
 * true and predicted labels, the spec, timings, kernels and JVM. Gates are not on the page: they
 * can change without retraining, so they live in {@code <name>-gates.xml}.
 */
public final class HtmlReport {

    /** At most this many misclassified images are shown; enough to see a pattern, small enough to load fast. */
    public static final int MAX_MISTAKES = 60;

    private static final Map<String, List<String>> CLASS_NAMES = Map.of("fashion-mnist", List.of("T-shirt/top",
            "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;\
            padding:0 1em;color:#1d2430}
            h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #dde}
            .big{font-size:2.2em;font-weight:600}.muted{color:#667}
            table{border-collapse:collapse}td,th{padding:.25em .8em;text-align:left;border-bottom:1px solid #eef}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            .charts{display:flex;flex-wrap:wrap;gap:1.5em}
            .bar{display:inline-block;height:.8em;background:#3b6fd8;vertical-align:middle}
            .grid{display:flex;flex-wrap:wrap;gap:.6em}
            figure{margin:0;text-align:center;font-size:12px}
            figure img{width:56px;height:56px;image-rendering:pixelated;border:1px solid #ccd;display:block;margin:auto}
            pre{background:#f5f6f9;padding:1em;overflow:auto;font-size:12px}
            """;

    private HtmlReport() {
    }

    /**
     * Writes the page atomically.
     *
     * @param test      the test set the result was measured on
     * @param predicted the predicted class of each test image
     * @param specText  the run's spec ({@code TrainingSpec.toText()}), shown verbatim
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path file, TrainingResult result, String specText, ImageSet test, int[] predicted) {
        AtomicFiles.writeString(file, render(result, specText, test, predicted), "HTML report");
    }

    /** The page as text. */
    public static String render(TrainingResult r, String specText, ImageSet test, int[] predicted) {
        List<String> names = classNames(r.dataset(), r.confusion().length);
        List<EpochStats> epochs = r.epochs();
        double seconds = epochs.stream().mapToDouble(EpochStats::seconds).sum();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(r.modelName())).append(" - Kiln training report</title>")
                .append("<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Model ").append(esc(r.modelName())).append("</h1>\n<p class=\"muted\">trained on ")
                .append(esc(r.dataset())).append(" with Kiln").append(r.provenance() == null ? ""
                        : " " + esc(r.provenance().kilnVersion())).append("</p>\n");
        h.append("<p><span class=\"big\">").append(pct(r.testAccuracy())).append("</span> test accuracy, test loss ")
                .append(fmt(r.testLoss())).append(", ").append(test.count()).append(" test images</p>\n");

        h.append("<h2>Training curves</h2>\n<div class=\"charts\">\n");
        h.append(chart("loss", "Loss per epoch", epochs, List.of(
                new Series("train loss", "#d8643b", EpochStats::trainLoss),
                new Series("test loss", "#3b6fd8", EpochStats::testLoss)), false));
        h.append(chart("accuracy", "Test accuracy per epoch", epochs, List.of(
                new Series("test accuracy", "#2a9d5c", EpochStats::testAccuracy)), true));
        h.append("</div>\n");

        h.append("<h2>Confusion matrix</h2>\n<p class=\"muted\">rows: true class, columns: predicted class; "
                + "colour: share of the row</p>\n").append(heatMap(r.confusion(), names));

        h.append("<h2>Per-class accuracy</h2>\n<table><tr><th>class</th><th>images</th><th>accuracy</th><th></th></tr>\n");
        double[] perClass = r.classAccuracies();
        for (int c = 0; c < perClass.length; c++) {
            long total = 0;
            for (int v : r.confusion()[c]) {
                total += v;
            }
            double a = perClass[c];
            h.append("<tr class=\"class-row\"><td>").append(esc(names.get(c))).append("</td><td class=\"num\">")
                    .append(total).append("</td><td class=\"num\">").append(pct(a))
                    .append("</td><td><span class=\"bar\" style=\"width:")
                    .append(Double.isNaN(a) ? 0 : Math.round(a * 200)).append("px\"></span></td></tr>\n");
        }
        h.append("</table>\n");

        h.append(mistakes(test, predicted, names));

        h.append("<h2>Run</h2>\n<table>\n");
        row(h, "epochs", Integer.toString(epochs.size()));
        row(h, "training time", String.format(Locale.ROOT, "%.1f s (evaluation excluded)", seconds));
        row(h, "throughput", epochs.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f images/s (mean over epochs)",
                epochs.stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(Double.NaN)));
        row(h, "kernels", r.kernels());
        row(h, "threads", Integer.toString(r.threads()));
        row(h, "seed", Long.toString(r.seed()));
        row(h, "JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        row(h, "OS", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors");
        row(h, "spec fingerprint", r.fingerprint());
        if (r.provenance() != null) {
            row(h, "dataset sha256", DatasetDigests.combined(r.provenance().datasetSha256()));
        }
        h.append("</table>\n<h3>Per epoch</h3>\n<table><tr><th>epoch</th><th>seconds</th><th>images/s</th>"
                + "<th>train loss</th><th>test loss</th><th>test accuracy</th></tr>\n");
        for (EpochStats e : epochs) {
            h.append(String.format(Locale.ROOT, "<tr><td class=\"num\">%d</td><td class=\"num\">%.2f</td>"
                            + "<td class=\"num\">%.0f</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                            + "<td class=\"num\">%s</td></tr>\n", e.epoch(), e.seconds(), e.imagesPerSecond(),
                    fmt(e.trainLoss()), fmt(e.testLoss()), pct(e.testAccuracy())));
        }
        h.append("</table>\n<h2>Spec</h2>\n<pre>").append(esc(specText)).append("</pre>\n</body></html>\n");
        return h.toString();
    }

    private record Series(String label, String color, ToDoubleFunction<EpochStats> value) {
    }

    /** A line chart over epochs; {@code unit} charts are fixed to 0..1 where accuracy lives. */
    private static String chart(String id, String title, List<EpochStats> epochs, List<Series> series, boolean unit) {
        int w = 480;
        int hgt = 260;
        int left = 52;
        int right = 16;
        int top = 28;
        int bottom = 40;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (EpochStats e : epochs) {
                double v = s.value().applyAsDouble(e);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            lo = 0;
            hi = 1;
        }
        if (unit) {
            lo = Math.max(0, Math.min(lo, 1) - 0.02);
            hi = 1;
        } else {
            lo = Math.max(0, lo - (hi - lo) * 0.1);
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        int n = epochs.size();
        double plotW = w - left - right;
        double plotH = hgt - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"chart\" id=\"chart-").append(id).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(w).append("\" height=\"").append(hgt).append("\" viewBox=\"0 0 ").append(w).append(' ')
                .append(hgt).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
        s.append("<text x=\"").append(left).append("\" y=\"18\" font-size=\"13\" font-weight=\"600\">")
                .append(esc(title)).append("</text>\n");
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = top + plotH - plotH * i / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e6ee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" fill=\"#667\">%s</text>\n",
                    left, w - right, y, y, left - 6, y + 3, unit ? pct(v) : fmt(v)));
        }
        for (int e = 0; e < n; e++) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                    + " fill=\"#667\">%d</text>\n", x(e, n, left, plotW), hgt - bottom + 14, epochs.get(e).epoch()));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#667\">"
                + "epoch</text>\n", left + plotW / 2, hgt - 6));
        int legendX = left + 8;
        for (Series ser : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (int e = 0; e < n; e++) {
                double v = ser.value().applyAsDouble(epochs.get(e));
                if (!Double.isFinite(v)) {
                    continue;
                }
                double x = x(e, n, left, plotW);
                double y = top + plotH - (v - lo) / (hi - lo) * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>"
                        + "epoch %d: %s %s</title></circle>", x, y, ser.color(), epochs.get(e).epoch(),
                        esc(ser.label()), unit ? pct(v) : fmt(v)));
            }
            s.append("<polyline class=\"curve\" data-series=\"").append(esc(ser.label())).append("\" fill=\"none\" stroke=\"")
                    .append(ser.color()).append("\" stroke-width=\"2\" points=\"").append(points.toString().trim())
                    .append("\"/>\n").append(dots).append('\n');
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>\n", legendX, top + 6, ser.color(),
                    legendX + 14, top + 10, esc(ser.label())));
            legendX += 14 + 7 * ser.label().length() + 16;
        }
        return s.append("</svg>\n").toString();
    }

    private static double x(int e, int n, int left, double plotW) {
        return n <= 1 ? left + plotW / 2 : left + plotW * e / (n - 1);
    }

    private static String heatMap(int[][] confusion, List<String> names) {
        int k = confusion.length;
        int cell = 40;
        int label = 90;
        int size = label + k * cell + 10;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(size)
                .append("\" height=\"").append(size).append("\" viewBox=\"0 0 ").append(size).append(' ')
                .append(size).append("\" role=\"img\" aria-label=\"confusion matrix\">\n");
        for (int c = 0; c < k; c++) {
            String n = esc(shortName(names.get(c)));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    label - 6, label + c * cell + cell / 2 + 4, n));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"start\""
                    + " transform=\"rotate(-45 %d %d)\">%s</text>\n", label + c * cell + cell / 2, label - 6,
                    label + c * cell + cell / 2, label - 6, n));
        }
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (int v : confusion[t]) {
                total += v;
            }
            for (int p = 0; p < k; p++) {
                int v = confusion[t][p];
                double share = total == 0 ? 0 : (double) v / total;
                // diagonal blue, mistakes red: the eye finds the errors first
                String rgb = t == p ? mix(share, 59, 111, 216) : mix(Math.min(1, share * 4), 216, 76, 59);
                int x = label + p * cell;
                int y = label + t * cell;
                s.append(String.format(Locale.ROOT, "<rect class=\"cell\" data-true=\"%d\" data-predicted=\"%d\""
                        + " x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#fff\"><title>true %s,"
                        + " predicted %s: %d (%s of the row)</title></rect>", t, p, x, y, cell, cell, rgb,
                        esc(names.get(t)), esc(names.get(p)), v, pct(share)));
                if (v > 0) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\""
                            + " fill=\"%s\">%d</text>", x + cell / 2, y + cell / 2 + 4,
                            share > 0.5 ? "#fff" : "#1d2430", v));
                }
            }
            s.append('\n');
        }
        return s.append("</svg>\n").toString();
    }

    private static String mix(double share, int r, int g, int b) {
        double a = Math.max(0, Math.min(1, share));
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", Math.round(255 + (r - 255) * a),
                Math.round(255 + (g - 255) * a), Math.round(255 + (b - 255) * a));
    }

    private static String mistakes(ImageSet test, int[] predicted, List<String> names) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < test.count() && i < predicted.length; i++) {
            if (predicted[i] != test.label(i)) {
                wrong.add(i);
            }
        }
        StringBuilder s = new StringBuilder("<h2>Misclassified test images</h2>\n<p class=\"muted\">");
        s.append(wrong.size()).append(" of ").append(test.count()).append(" test images are misclassified");
        if (wrong.size() > MAX_MISTAKES) {
            s.append("; the first ").append(MAX_MISTAKES).append(" are shown");
        }
        s.append("</p>\n<div class=\"grid\">\n");
        for (int i : wrong.subList(0, Math.min(MAX_MISTAKES, wrong.size()))) {
            String t = esc(names.get(test.label(i)));
            String p = esc(predicted[i] < names.size() ? names.get(predicted[i]) : Integer.toString(predicted[i]));
            s.append("<figure class=\"mistake\"><img src=\"data:image/png;base64,").append(png(test, i))
                    .append("\" alt=\"test image ").append(i).append(": true ").append(t).append(", predicted ").append(p)
                    .append("\"><figcaption>#").append(i).append("<br>true <b>").append(t).append("</b><br>pred <b>")
                    .append(p).append("</b></figcaption></figure>\n");
        }
        return s.append("</div>\n").toString();
    }

    /** Image {@code i} as a grayscale PNG, base64. */
    static String png(ImageSet set, int i) {
        BufferedImage img = new BufferedImage(set.cols(), set.rows(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, set.cols(), set.rows(),
                java.util.Arrays.copyOfRange(set.pixels(), i * set.pixelsPerImage(), (i + 1) * set.pixelsPerImage()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a test image as PNG: " + e.getMessage(), e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static List<String> classNames(String dataset, int k) {
        List<String> known = CLASS_NAMES.get(dataset);
        if (known != null && known.size() == k) {
            return known;
        }
        List<String> out = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            out.add(Integer.toString(c));
        }
        return out;
    }

    private static String shortName(String name) {
        return name.length() <= 11 ? name : name.substring(0, 10) + ".";
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f %%", v * 100);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
