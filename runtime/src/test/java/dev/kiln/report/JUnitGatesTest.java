package dev.kiln.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate report is JUnit XML a CI server can read: parsed here with the JDK's DOM parser. */
class JUnitGatesTest {

    @TempDir
    Path dir;

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void oneTestcasePerGateWithFailuresAndSkips() throws Exception {
        Path file = dir.resolve("m-gates.xml");
        String msg = "Model 'm' missed its per-class accuracy gate: class 1 test accuracy 0.5000 < minClassAccuracy 0.9 (model: /x/m.onnx)";
        JUnitGates.write(file, "dl.train.m", List.of(
                JUnitGates.Gate.atLeast("minAccuracy >= 0.8", 0.85, 0.8, "unused"),
                JUnitGates.Gate.atLeast("class 1 accuracy >= 0.9", 0.5, 0.9, msg),
                JUnitGates.Gate.notConfigured("class 2 accuracy >= 0.9", Double.NaN, "class 2 has no test images <&>")),
                12.5);
        Element suite = parse(file).getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("dl.train.m", suite.getAttribute("name"));
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        assertEquals("12.500", suite.getAttribute("time"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(3, cases.getLength());
        Element passed = (Element) cases.item(0);
        assertEquals("minAccuracy >= 0.8", passed.getAttribute("name"));
        assertEquals("dl.train.m", passed.getAttribute("classname"));
        assertEquals(0, passed.getElementsByTagName("failure").getLength());
        assertEquals("measured 0.85, threshold 0.8", passed.getElementsByTagName("system-out").item(0).getTextContent());
        Element failure = (Element) ((Element) cases.item(1)).getElementsByTagName("failure").item(0);
        assertEquals(msg, failure.getAttribute("message"));
        assertEquals("measured 0.5, threshold 0.9", failure.getTextContent());
        Element skipped = (Element) ((Element) cases.item(2)).getElementsByTagName("skipped").item(0);
        assertEquals("class 2 has no test images <&>", skipped.getAttribute("message"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "written atomically, no temporary file left");
        }
    }

    @Test
    void aMissedGateWithNaNMeasurementFails() {
        JUnitGates.Gate g = JUnitGates.Gate.atLeast("minAccuracy >= 0.5", Double.NaN, 0.5, "NaN");
        assertTrue(g.failed());
        assertTrue(JUnitGates.toXml("s", List.of(g), Double.NaN).contains("measured NaN, threshold 0.5"));
    }
}
