package dev.kiln;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Kiln version this runtime was built as, recorded in every model it writes. */
public final class KilnVersion {

    private static final String VERSION = load();

    private KilnVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = KilnVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
