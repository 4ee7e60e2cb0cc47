package dev.kiln.report;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void parsesEveryValueType() {
        Object v = Json.parse(" {\"a\": [1, -2.5, 3e2, 0, -0.0e-1], \"b\": true, \"c\": false, \"d\": null,"
                + " \"e\": \"x\", \"f\": {}, \"g\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -2.5, 300.0, 0.0, -0.0), m.get("a"));
        assertEquals(Boolean.TRUE, m.get("b"));
        assertEquals(Boolean.FALSE, m.get("c"));
        assertTrue(m.containsKey("d"));
        assertNull(m.get("d"));
        assertEquals("x", m.get("e"));
        assertEquals(Map.of(), m.get("f"));
        assertEquals(List.of(), m.get("g"));
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), new ArrayList<>(m.keySet()), "insertion order kept");
    }

    @Test
    void decodesEscapes() {
        assertEquals("q\" b\\ s/ \b\f\n\r\t é \uD83D\uDE00",
                Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\""));
    }

    @Test
    void roundTripsStringsWithAwkwardCharacters() {
        String s = "quote\" backslash\\ nl\n tab\t nul\u0000 bell\u0007 ls\u2028 unicode é€😀";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", s);
        m.put("nested", List.of(Map.of("k", s), List.of(1, 2.5)));
        String text = Json.write(m);
        assertTrue(text.contains("\\u0000") && text.contains("\\u0007") && text.contains("\\u2028"), text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(s, back.get("s"));
        assertEquals(List.of(Map.of("k", s), List.of(1.0, 2.5)), back.get("nested"));
    }

    @Test
    void writesNumbersExactlyAndNonFiniteAsNull() {
        double[] samples = {0.1, 1e-8, -3.25, 0.9712345678901234, 6.02e23, Double.MIN_VALUE};
        for (double d : samples) {
            assertEquals(d, (Double) Json.parse(Json.write(d).trim()), "round trip of " + d);
        }
        assertEquals("null\n", Json.write(Double.NaN));
        assertEquals("null\n", Json.write(Double.POSITIVE_INFINITY));
        assertEquals("42\n", Json.write(42L));
        assertEquals("[\n  [1, 2],\n  [3, 4]\n]\n", Json.write(new int[][] {{1, 2}, {3, 4}}));
    }

    @Test
    void malformedInputGivesLineColumnAndExpectation() {
        assertError("{\"a\": 1,\n  \"b\" 2}", 2, 7, "expected ':'");
        assertError("[1, 2", 1, 6, "expected ',' or ']'");
        assertError("[1 2]", 1, 4, "expected ',' or ']'");
        assertError("{\"a\": 1,}", 1, 9, "expected a string key");
        assertError("{'a': 1}", 1, 2, "expected a string key");
        assertError("", 1, 1, "expected a value");
        assertError("nul", 1, 1, "did you mean null");
        assertError("01", 1, 2, "leading zeros");
        assertError("1.", 1, 3, "digit after the decimal point");
        assertError("-", 1, 2, "digit after '-'");
        assertError("1e+", 1, 4, "exponent");
        assertError("1e999", 1, 1, "out of range");
        assertError("\"abc", 1, 1, "unterminated string");
        assertError("\"a\\x\"", 1, 4, "invalid escape \\x");
        assertError("\"\\u12g4\"", 1, 6, "four hex digits");
        assertError("\"a\nb\"", 1, 3, "raw control character");
        assertError("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\"");
        assertError("[1] x", 1, 5, "after the end");
        assertError("NaN", 1, 1, "expected a value");
        assertError("[".repeat(Json.MAX_DEPTH + 2), 1, Json.MAX_DEPTH + 2, "nesting deeper");
    }

    @Test
    void refusesUnwritableValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }

    private static void assertError(String text, int line, int column, String fragment) {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().contains(fragment), "'" + text + "' -> " + e.getMessage());
        assertEquals(line, e.line(), "line for '" + text + "' -> " + e.getMessage());
        assertEquals(column, e.column(), "column for '" + text + "' -> " + e.getMessage());
    }
}
