// Compile-time stand-in for Substrate VM's own annotation (the real one is in the svm jar, built
// for JDK 25): lets JDK 17 javac compile the patched kernels; the builder honours the annotation.
package com.oracle.svm.core;
import java.lang.annotation.*;
@Retention(RetentionPolicy.RUNTIME) @Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface AlwaysInline { String value(); }
