// Prints --add-exports/--add-opens of every package of every system module to the builder's
// modules (the argument), for the builder's @argfile: the builder reaches into JDK internals that a
// GraalVM JDK's native-image driver would open. Run with Temurin 25: java ExportsArgs.java TARGETS
import java.lang.module.*;
public class ExportsArgs { public static void main(String[] a) {
  String t = a[0];
  ModuleFinder.ofSystem().findAll().stream().map(ModuleReference::descriptor)
    // jdk.graal.compiler is replaced by the jar on --upgrade-module-path; JVMCI is exported in build.sh
    .filter(d -> !d.name().startsWith("jdk.graal.compiler") && !d.name().equals("jdk.internal.vm.ci"))
    .sorted(java.util.Comparator.comparing(ModuleDescriptor::name))
    .forEach(d -> d.packages().stream().sorted().forEach(p -> {
      System.out.println("--add-exports=" + d.name() + "/" + p + "=" + t);
      System.out.println("--add-opens=" + d.name() + "/" + p + "=" + t); }));
}}
