package dev.kiln.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader and writer, enough for Kiln's reports; the runtime takes no JSON library
 * so the forked trainer's class path stays short.
 *
 * <p>{@link #parse(String)} returns {@link Map} (insertion-ordered, keys unique), {@link List},
 * {@link Double}, {@link String}, {@link Boolean} or {@code null}. {@link #write(Object)} accepts
 * those plus any {@link Number}, {@code int[]}, {@code double[]} and arrays of them, and prints
 * non-finite doubles as {@code null} because JSON has no NaN.
 */
public final class Json {

    /** Nesting deeper than this is rejected instead of overflowing the stack. */
    static final int MAX_DEPTH = 256;

    private Json() {
    }

    /** Malformed JSON text; the message gives the line, the column and what was expected. */
    public static final class JsonException extends IllegalArgumentException {

        private final int line;
        private final int column;

        JsonException(String message, int line, int column) {
            super("JSON error at line " + line + ", column " + column + ": " + message);
            this.line = line;
            this.column = column;
        }

        /** 1-based line of the error. */
        public int line() {
            return line;
        }

        /** 1-based column of the error. */
        public int column() {
            return column;
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses one JSON value; anything but whitespace after it is an error.
     *
     * @throws JsonException for malformed text
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeCurrent() + " after the end of the JSON value");
        }
        return v;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            if (s == null) {
                throw new JsonException("no text (null)", 1, 1);
            }
            this.s = s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected " + describeCurrent() + ", expected a value "
                            + "(object, array, string, number, true, false or null)");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++; // '{'
            Map<String, Object> m = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("unexpected " + describeCurrent() + ", expected a string key");
                }
                int keyPos = pos;
                String key = string();
                if (m.containsKey(key)) {
                    pos = keyPos;
                    throw error("duplicate key \"" + key + "\"");
                }
                skipWhitespace();
                expect(':', "':' after the key \"" + key + "\"");
                skipWhitespace();
                m.put(key, value(depth + 1));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    return m;
                } else {
                    throw error("unexpected " + describeCurrent() + ", expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++; // '['
            List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return list;
                } else {
                    throw error("unexpected " + describeCurrent() + ", expected ',' or ']'");
                }
            }
        }

        private String string() {
            int start = pos;
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    pos = start;
                    throw error("unterminated string");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("raw control character U+" + String.format("%04X", (int) c)
                            + " in a string; write it as an escape such as \\n or \\u00XX");
                }
                if (c != '\\') {
                    sb.append(c);
                    pos++;
                    continue;
                }
                pos++;
                if (pos >= s.length()) {
                    pos = start;
                    throw error("unterminated string");
                }
                char e = s.charAt(pos);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 >= s.length()) {
                            throw error("\\u needs four hex digits");
                        }
                        int cp = 0;
                        for (int i = 1; i <= 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) {
                                pos += i;
                                throw error("\\u needs four hex digits, got " + describeCurrent());
                            }
                            cp = cp * 16 + d;
                        }
                        sb.append((char) cp); // surrogate pairs arrive as two escapes and join here
                        pos += 4;
                    }
                    default -> throw error("invalid escape \\" + e + "; allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
                pos++;
            }
        }

        private Double number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
                if (Character.isDigit(peek())) {
                    throw error("numbers may not have leading zeros");
                }
            } else if (Character.isDigit(peek())) {
                digits();
            } else {
                throw error("expected a digit after '-', got " + describeCurrent());
            }
            if (peek() == '.') {
                pos++;
                if (!Character.isDigit(peek())) {
                    throw error("expected a digit after the decimal point, got " + describeCurrent());
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!Character.isDigit(peek())) {
                    throw error("expected a digit in the exponent, got " + describeCurrent());
                }
                digits();
            }
            Double d = Double.valueOf(s.substring(start, pos));
            if (d.isInfinite()) {
                pos = start;
                throw error("number out of range: " + s.substring(start, Math.min(s.length(), start + 40)));
            }
            return d;
        }

        private void digits() {
            while (Character.isDigit(peek())) {
                pos++;
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected " + describeCurrent() + ", expected a value (did you mean " + word + "?)");
            }
            pos += word.length();
            return value;
        }

        private void expect(char c, String what) {
            if (peek() != c) {
                throw error("unexpected " + describeCurrent() + ", expected " + what);
            }
            pos++;
        }

        /** The current character, or {@code 0} at the end (never a valid token start). */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        String describeCurrent() {
            if (pos >= s.length()) {
                return "end of input";
            }
            char c = s.charAt(pos);
            return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
        }

        JsonException error(String message) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return new JsonException(message, line, col);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a value as indented JSON (two spaces). Arrays holding only numbers stay on one line,
     * so a confusion matrix reads as a matrix.
     *
     * @throws IllegalArgumentException for a type JSON cannot represent, or a non-string map key
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String str) {
            quote(sb, str);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof Number n) {
            sb.append(n); // integers, BigDecimal: their toString is valid JSON
        } else if (v instanceof Map<?, ?> m) {
            writeObject(sb, m, indent);
        } else if (v instanceof Collection<?> c) {
            writeArray(sb, new ArrayList<>(c), indent);
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (int x : a) {
                l.add(x);
            }
            writeArray(sb, l, indent);
        } else if (v instanceof double[] a) {
            List<Object> l = new ArrayList<>(a.length);
            for (double x : a) {
                l.add(x);
            }
            writeArray(sb, l, indent);
        } else if (v instanceof Object[] a) {
            writeArray(sb, List.of(a), indent);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> m, int indent) {
        if (m.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            pad(sb, indent + 1);
            quote(sb, key);
            sb.append(": ");
            write(sb, e.getValue(), indent + 1);
            sb.append(++i < m.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, List<?> l, int indent) {
        if (l.stream().allMatch(x -> x instanceof Number)) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(sb, l.get(i), indent);
            }
            sb.append(']');
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < l.size(); i++) {
            pad(sb, indent + 1);
            write(sb, l.get(i), indent + 1);
            sb.append(i + 1 < l.size() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append(']');
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        // U+2028/9 are valid JSON but break JavaScript readers of the report
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
