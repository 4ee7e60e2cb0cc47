package dev.kiln.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Quality gates as a JUnit XML report ({@code <testsuite>} with one {@code <testcase>} per gate),
 * the format every CI server already collects for tests: a missed gate shows up as a failed
 * test with its message, an unconfigured one as skipped.
 */
public final class JUnitGates {

    /**
     * One gate's outcome.
     *
     * @param name      the test case name, e.g. {@code minAccuracy >= 0.97}
     * @param measured  the value checked
     * @param threshold the bound it was checked against, NaN when the gate is not configured
     * @param passed    whether it held (ignored when skipped)
     * @param skipped   the gate is not configured
     * @param message   the failure message (as the build prints it) or a short note
     */
    public record Gate(String name, double measured, double threshold, boolean passed, boolean skipped,
                       String message) {

        /** A configured gate: {@code passed} when {@code measured >= threshold} (NaN never passes). */
        public static Gate atLeast(String name, double measured, double threshold, String failureMessage) {
            boolean ok = measured >= threshold;
            return new Gate(name, measured, threshold, ok, false, ok ? "" : failureMessage);
        }

        /** A gate that is not configured, listed so CI shows it exists. */
        public static Gate notConfigured(String name, double measured, String note) {
            return new Gate(name, measured, Double.NaN, true, true, note);
        }

        /** Configured and missed. */
        public boolean failed() {
            return !skipped && !passed;
        }
    }

    private JUnitGates() {
    }

    /**
     * The report as text.
     *
     * @param suite   the suite name, e.g. {@code dl.train.mnist-mlp}; also each case's class name
     * @param seconds how long producing the measured values took, for the suite's {@code time}
     */
    public static String toXml(String suite, List<Gate> gates, double seconds) {
        long failures = gates.stream().filter(Gate::failed).count();
        long skipped = gates.stream().filter(Gate::skipped).count();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(gates.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped)
                .append("\" time=\"").append(time(seconds)).append("\">\n");
        for (Gate g : gates) {
            sb.append("  <testcase classname=\"").append(esc(suite)).append("\" name=\"").append(esc(g.name()))
                    .append("\" time=\"0\">");
            String values = "measured " + num(g.measured()) + (g.skipped() ? "" : ", threshold " + num(g.threshold()));
            if (g.skipped()) {
                sb.append("\n    <skipped message=\"").append(esc(g.message())).append("\"/>\n  ");
            } else if (g.failed()) {
                sb.append("\n    <failure message=\"").append(esc(g.message())).append("\" type=\"QualityGate\">")
                        .append(esc(values)).append("</failure>\n  ");
            } else {
                sb.append("\n    <system-out>").append(esc(values)).append("</system-out>\n  ");
            }
            sb.append("</testcase>\n");
        }
        return sb.append("</testsuite>\n").toString();
    }

    /** Writes {@link #toXml} atomically. */
    public static void write(Path file, String suite, List<Gate> gates, double seconds) {
        AtomicFiles.writeString(file, toXml(suite, gates, seconds), "gate report");
    }

    private static String time(double seconds) {
        return Double.isFinite(seconds) && seconds >= 0 ? String.format(Locale.ROOT, "%.3f", seconds) : "0";
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "NaN" : String.format(Locale.ROOT, "%.6f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** XML text and attribute escaping; control characters XML 1.0 cannot hold become spaces. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\n' -> sb.append("&#10;");
                case '\t' -> sb.append("&#9;");
                default -> sb.append(c < 0x20 ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
