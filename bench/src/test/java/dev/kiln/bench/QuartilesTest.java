package dev.kiln.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QuartilesTest {

    @Test
    void interpolatesBetweenOrderStatisticsOfUnsortedValues() {
        Quartiles q = Quartiles.of(new double[] {4, 1, 3, 2});
        assertEquals(1.75, q.q1(), 1e-12);
        assertEquals(2.5, q.median(), 1e-12);
        assertEquals(3.25, q.q3(), 1e-12);
    }

    @Test
    void oneValueIsEveryQuartile() {
        Quartiles q = Quartiles.of(new double[] {7});
        assertEquals(7, q.q1());
        assertEquals(7, q.median());
        assertEquals(7, q.q3());
    }

    @Test
    void formatsMedianThenQuartiles() {
        assertEquals("median 2.50 (q1 1.75, q3 3.25)", Quartiles.of(new double[] {1, 2, 3, 4}).format("%.2f"));
    }

    @Test
    void refusesNoValues() {
        assertThrows(IllegalArgumentException.class, () -> Quartiles.of(new double[0]));
    }
}
