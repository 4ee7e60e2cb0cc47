package dev.kiln.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Which element of every {@code float[]} starts a 64-byte cache line, where the JVM makes that
 * the same for all arrays.
 *
 * <p>Why: a 512-bit vector load that straddles two lines costs the core two. The micro-kernel
 * loads its packed strip of B a vector at a time, so where the strip starts on a line every load
 * is whole: SGEMM 1024³ on one thread ran 1.01–1.11× (median 1.05×, 18 JVMs) faster with the
 * packed panel on a line than 16 bytes past one, alternating in one JVM.
 *
 * <p>HotSpot places every object at a multiple of {@code -XX:ObjectAlignmentInBytes} (8 by
 * default) and a {@code float[]}'s elements 16 bytes after its start (a 12-byte header and the
 * 4-byte length, with compressed class pointers and without compact object headers). With an
 * object alignment of 64, which the forked trainer runs with, element 12 of every float array
 * therefore starts a line, wherever the collector moves the array. With any other layout the
 * place is unknown, {@link #FIRST_LINE_FLOAT} is 0 and nothing but the speed changes.
 */
final class LineAlignment {

    /** The cache line, in bytes. */
    static final int LINE_BYTES = 64;

    /** Index of the first element of any {@code float[]} that starts a line in this JVM, or 0 where unknown. */
    static final int FIRST_LINE_FLOAT = ofThisJvm();

    private LineAlignment() {
    }

    /**
     * The first float on a line for arrays placed at multiples of {@code objectAlignment} bytes
     * whose elements start {@code baseOffset} bytes in, or 0 when either is unknown (negative) or
     * the arrays' starts do not fall on lines.
     */
    static int firstLineFloat(long objectAlignment, int baseOffset) {
        if (objectAlignment <= 0 || objectAlignment % LINE_BYTES != 0 || baseOffset < 0 || baseOffset % Float.BYTES != 0) {
            return 0;
        }
        return (LINE_BYTES - baseOffset % LINE_BYTES) % LINE_BYTES / Float.BYTES;
    }

    /**
     * Where a {@code float[]}'s elements start in HotSpot's usual layout: 16 bytes with compressed
     * class pointers and without compact object headers; -1 (unknown) for the other layouts.
     */
    static int floatArrayBaseOffset(boolean compressedClassPointers, boolean compactObjectHeaders) {
        return compressedClassPointers && !compactObjectHeaders ? 16 : -1;
    }

    private static int ofThisJvm() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null) {
                return 0;
            }
            long alignment = Long.parseLong(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            boolean compressed = Boolean.parseBoolean(vm.getVMOption("UseCompressedClassPointers").getValue());
            return firstLineFloat(alignment, floatArrayBaseOffset(compressed, option(vm, "UseCompactObjectHeaders")));
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or no jdk.management: the layout is unknown, only the speed suffers
            return 0;
        }
    }

    /** A boolean option, false where this JVM does not have it (compact headers came in JDK 24). */
    private static boolean option(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return Boolean.parseBoolean(vm.getVMOption(name).getValue());
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }
}
