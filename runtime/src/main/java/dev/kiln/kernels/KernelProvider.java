package dev.kiln.kernels;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Chooses the kernels once per JVM: {@link VectorKernels} when the {@code jdk.incubator.vector}
 * module is present (the forked trainer starts with {@code --add-modules jdk.incubator.vector}),
 * {@link ScalarKernels} otherwise. The system property {@code kiln.kernels=scalar} forces the
 * reference path.
 */
public final class KernelProvider {

    private static volatile Kernels chosen;

    private KernelProvider() {
    }

    /** The kernels for this JVM; the first call logs one line saying which were chosen and why. */
    public static Kernels get(Consumer<String> log) {
        Kernels k = chosen;
        if (k == null) {
            synchronized (KernelProvider.class) {
                k = chosen;
                if (k == null) {
                    k = choose(log);
                    chosen = k;
                }
            }
        }
        return k;
    }

    /** The kernels for this JVM, choosing silently if nobody asked before. */
    public static Kernels get() {
        return get(s -> { });
    }

    private static Kernels choose(Consumer<String> log) {
        if ("scalar".equals(System.getProperty("kiln.kernels"))) {
            log.accept("Kernels: scalar (forced by -Dkiln.kernels=scalar)");
            return new ScalarKernels();
        }
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty()) {
            log.accept("Kernels: scalar (start the JVM with --add-modules jdk.incubator.vector for the vector kernels)");
            return new ScalarKernels();
        }
        try {
            Kernels k = (Kernels) Class.forName("dev.kiln.kernels.VectorKernels")
                    .getDeclaredConstructor().newInstance();
            log.accept("Kernels: vector (" + VectorKernels.lanes() * 32 + "-bit float vectors, JDK "
                    + Runtime.version().feature() + ")");
            return k;
        } catch (ReflectiveOperationException | LinkageError e) {
            log.accept("Kernels: scalar (vector kernels failed to load: " + e + ")");
            return new ScalarKernels();
        }
    }
}
