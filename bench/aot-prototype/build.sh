#!/bin/bash
# Builds Kiln's trainer (dev.kiln.cli.TrainMain) as a GraalVM Native Image with the 25.0.2 builder
# jars on Temurin 25, stops the builder after the object file and links it by hand against stubs
# and Temurin's shared libraries (README.md says why). Everything goes to $WORK (default
# bench/aot-prototype/target); the result is $WORK/kilntrain. Run from anywhere after
#   ./mvnw -B -q -o install -P'!integration-tests' -DskipTests
# Env: WORK, TEMURIN25, JDK17, M2_REPO (defaults below).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${WORK:-$HERE/target}
T25=${TEMURIN25:-/usr/lib/jvm/temurin-25-jdk-amd64}
J17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
M2=${M2_REPO:-$HOME/.m2/repository}
V=25.0.2
die() { echo "build.sh: $*" >&2; exit 1; }
step() { echo "== $*  ($(date +%T))"; }

step "Checking prerequisites"
"$T25/bin/java" -version 2>&1 | grep -q 'version "25' || die "no Temurin 25 at $T25 (set TEMURIN25)"
"$J17/bin/javac" -version 2>&1 | grep -q 'javac 17' || die "no JDK 17 javac at $J17 (set JDK17)"
for c in gcc patch; do command -v $c >/dev/null || die "$c is needed (apt-get install $c)"; done
[[ $(uname -m) == x86_64 ]] || die "x86_64 only (the C shim reads x86 CPU features)"
[[ -d $ROOT/runtime/target/classes/dev/kiln/cli ]] ||
  die "no runtime/target/classes: run ./mvnw -B -q -o install -P'!integration-tests' -DskipTests in $ROOT first"

step "Locating the org.graalvm $V builder jars in $M2"
SVM=$M2/org/graalvm/nativeimage/svm/$V/svm-$V.jar
if [[ ! -f $SVM ]]; then
  echo "not in the local repository; fetching org.graalvm.nativeimage:svm:$V and its dependencies"
  (cd "$ROOT" && ./mvnw -q -B -Dmaven.repo.local="$M2" dependency:get -Dartifact=org.graalvm.nativeimage:svm:$V) ||
    die "could not fetch org.graalvm.nativeimage:svm:$V (try: mvn -q dependency:get -Dartifact=org.graalvm.nativeimage:svm:$V)"
fi
COMPILER=$M2/org/graalvm/compiler/compiler/$V/compiler-$V.jar
for j in "$SVM" "$COMPILER" $M2/org/graalvm/nativeimage/{pointsto,objectfile,native-image-base}/$V/*-$V.jar \
         $M2/org/graalvm/sdk/{nativeimage,word,collections}/$V/*-$V.jar; do
  [[ -f $j ]] || die "missing builder jar $j"
done
# the module path: every org.graalvm jar of version $V except the compiler, which upgrades Temurin's own
MP=$(find "$M2/org/graalvm" -path "*/$V/*" -name "*-$V.jar" ! -name "compiler-$V.jar" | sort | tr '\n' ':')

mkdir -p "$W"
step "Runtime classpath (protobuf) from Maven"
source "$ROOT/bench/workloads.sh"   # kiln_classpath: the runtime jar and its dependencies, as the other bench scripts use them
CP=$(kiln_classpath "$ROOT" "$W" 0) || die "could not get the runtime's classpath from Maven"
DEPS=${CP#*:}   # the dependencies; the runtime's own classes come from the patched copy below

step "Private Temurin 25 copy with libreporterchelper.so"
if [[ ! -x $W/jdk/bin/java ]]; then rm -rf "$W/jdk"; cp -a "$T25/." "$W/jdk/"; fi
mkdir -p "$W/jdk/lib/svm/builder/lib"
gcc -O2 -shared -fPIC -I"$T25/include" -I"$T25/include/linux" -o "$W/jdk/lib/svm/builder/lib/libreporterchelper.so" \
  "$HERE/c/reporterchelper.c"

step "Exports/opens for the builder"
TARGETS=org.graalvm.nativeimage.builder,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.base,org.graalvm.nativeimage.objectfile,jdk.graal.compiler,org.graalvm.nativeimage.configure
"$T25/bin/java" "$HERE/ExportsArgs.java" "$TARGETS,org.graalvm.nativeimage,org.graalvm.nativeimage.libgraal,ALL-UNNAMED" \
  > "$W/exports.args"
for p in aarch64 amd64 code code.site code.stack common hotspot hotspot.aarch64 hotspot.amd64 meta runtime services riscv64 hotspot.riscv64; do
  echo "--add-exports=jdk.internal.vm.ci/jdk.vm.ci.$p=$TARGETS,ALL-UNNAMED"
done >> "$W/exports.args"

step "Classes: runtime/target/classes + kiln-native.patch (JDK 17 javac)"
rm -rf "$W/classes" "$W/src" "$W/stub"
cp -a "$ROOT/runtime/target/classes" "$W/classes"
FILES="dev/kiln/kernels/VectorKernels.java dev/kiln/kernels/PackedGemm.java dev/kiln/report/HtmlReport.java"
for f in $FILES; do mkdir -p "$W/src/$(dirname $f)"; cp "$ROOT/runtime/src/main/java/$f" "$W/src/$f"; done
patch -s -p1 -d "$W/src" < "$HERE/kiln-native.patch" || die "kiln-native.patch no longer applies to the current sources"
"$J17/bin/javac" -d "$W/stub" "$HERE/stub/com/oracle/svm/core/AlwaysInline.java"
(cd "$W/src" && "$J17/bin/javac" -nowarn --add-modules jdk.incubator.vector -cp "$W/stub:$W/classes:$DEPS" \
   -d "$W/classes" $FILES 2>&1 | grep -v 'incubator\|^1 warning$' || true)
for f in $FILES; do c=$W/classes/${f%.java}.class; [[ $c -nt $W/src/$f ]] || die "javac did not compile $f"; done

step "Native Image builder (about 2 minutes, 3 GB)"
rm -rf "$W/ntmp" "$W/out"
# the builder's JVM options as a GraalVM JDK's native-image driver would pass them
timeout 2400 "$W/jdk/bin/java" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -XX:-UseJVMCICompiler -Xss10m -Xmx5g \
  --enable-native-access=ALL-UNNAMED,org.graalvm.nativeimage.builder -Dorg.graalvm.nativeimage.imagecode=buildtime \
  -Dcom.oracle.graalvm.isaot=true -Djava.awt.headless=true -Dgraalvm.locatorDisabled=true --add-modules ALL-SYSTEM \
  -Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader \
  -Djdk.internal.lambda.disableEagerInitialization=true @"$W/exports.args" --add-modules jdk.incubator.vector \
  --upgrade-module-path "$COMPILER" --module-path "$MP" --add-modules ALL-MODULE-PATH \
  -m org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner \
  -imagecp "$W/classes:$HERE/config:$DEPS" \
  -H:Path="$W/out" -H:Name=kilntrain -H:Class=dev.kiln.cli.TrainMain -H:+ReportExceptionStackTraces \
  -H:ImageBuildID="$(cat /proc/sys/kernel/random/uuid)" -H:+VectorAPISupport -H:MicroArchitecture=native \
  -H:CLibraryPath="$HERE/clib" -H:+ExitAfterRelocatableImageWrite -H:TempDirectory="$W/ntmp" \
  -H:+UnlockExperimentalVMOptions -H:ClassInitialization=dev.kiln.kernels:build_time \
  > "$W/builder.log" 2>&1 || { tail -30 "$W/builder.log" >&2; die "the builder failed (log: $W/builder.log)"; }
O=$(find "$W/ntmp" -name kilntrain.o | head -1)
[[ -n $O ]] || die "the builder wrote no kilntrain.o (log: $W/builder.log)"
grep -E 'Peak RSS|Finished generating|in [0-9.]+s' "$W/builder.log" | tail -3 || true

step "C stubs and the hand link"
mkdir -p "$W/link"
gcc -O2 -shared -fPIC -Wl,-soname,libjvm.so -Wl,--version-script="$HERE/c/jvm.map" -o "$W/link/libjvm.so" "$HERE/c/stubjvm.c"
for c in svmshim shim2; do
  gcc -O2 -c -I"$T25/include" -I"$T25/include/linux" -I"$HERE/clib/include" -o "$W/link/$c.o" "$HERE/c/$c.c"
done
# libjvm.so is the stub (first on the path); the rest are the private Temurin copy's shared libraries
gcc -o "$W/kilntrain" "$O" "$W/link/svmshim.o" "$W/link/shim2.o" -L"$W/link" -L"$W/jdk/lib" \
  -ljava -lnio -lnet -lzip -lextnet -ljvm -lz -ldl -lpthread -lrt -lm -Wl,-rpath,"$W/link:$W/jdk/lib"
step "Done: $W/kilntrain (run: $W/kilntrain -Xmx2g SPEC OUTDIR DATASETS, or run.sh)"
