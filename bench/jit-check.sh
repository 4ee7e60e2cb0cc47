#!/usr/bin/env bash
# Does every fresh JVM compile Kiln's vector kernels to vector instructions?
#
# C2 replaces the Vector API's calls by instructions (intrinsics) only where it knows a vector's
# exact type. Where it does not, that call runs the API's Java fallback, boxed, for the rest of
# the JVM's life, and which JVMs it happens in depends on the order of compiles: in the fifteenth
# session 4 of 28 JVMs timing the input gradient dY·Wᵀ alone ran it at half speed that way
# (benchmarks.md). A benchmark then measures a slow JVM, not slow code.
#
# This script trains one epoch of a workload in N fresh JVMs with the forked trainer's options,
# logs C2's inlining decisions for Kiln's methods (-XX:CompileCommand=option,dev.kiln.*::*,
# PrintInlining; the trainer's options already unlock diagnostic options) and counts, per JVM,
# the calls C2 "failed to inline (intrinsic)", with the Vector API methods they name. The epoch's
# seconds are printed too, but logging slows the compiles, so they are no benchmark figure.
#
# Usage: bench/jit-check.sh [--workloads mlp,cnn] [--jvms N] [--threads T] [--limit N] [--build]
#   --workloads  mlp and/or cnn, comma separated (default both); the workloads of
#                bench/epoch-vs-pytorch.sh (bench/workloads.sh)
#   --jvms       fresh JVMs per workload (default 8)
#   --threads    training threads (default 2)
#   --limit      train on the first N images (default: all for the MLP, 12800 for the CNN)
#   --build      rebuild the runtime jar even if runtime/target has one (after changing a kernel:
#                otherwise the check runs the jar last built)
# Environment: JAVA (default java), KILN_DATASETS (default ~/.kiln/datasets).
# Exit status 1 if any JVM left an intrinsic uncompiled, 2 on bad options.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORKLOADS=mlp,cnn
JVMS=8
THREADS=2
LIMIT=
BUILD=0
JAVA=${JAVA:-java}
DATA=${KILN_DATASETS:-$HOME/.kiln/datasets}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --workloads) WORKLOADS=$2; shift 2 ;;
    --jvms) JVMS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    -h|--help) awk 'NR == 1 { next } /^#/ { print; next } { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for w in ${WORKLOADS//,/ }; do
  case "$w" in mlp|cnn) ;; *) echo "unknown workload $w (allowed: mlp, cnn)" >&2; exit 2 ;; esac
done
[[ $JVMS =~ ^[1-9][0-9]*$ ]] || { echo "bad --jvms $JVMS: a count of at least 1" >&2; exit 2; }
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || { echo "bad --threads $THREADS: a count of at least 1" >&2; exit 2; }
[[ -z $LIMIT || $LIMIT =~ ^[0-9]+$ ]] || { echo "bad --limit $LIMIT: a number of images (0 = all)" >&2; exit 2; }

source "$ROOT/bench/workloads.sh"
bench_lock
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CP=$(kiln_classpath "$ROOT" "$TMP" "$BUILD")
mapfile -t TRAINER_OPTS < <("$JAVA" -cp "$CP" dev.kiln.cli.TrainerJvmOptions "$TMP")

FAILED_JVMS=0
for w in ${WORKLOADS//,/ }; do
  limit=${LIMIT:-$([[ $w == cnn ]] && echo 12800 || echo 0)}
  spec="$TMP/spec-$w.properties"
  write_spec "$w" "$THREADS" "$limit" "$spec"
  echo "== $w, $THREADS thread(s), $( ((limit == 0)) && echo "all" || echo "$limit") images, $JVMS JVMs"
  for ((j = 1; j <= JVMS; j++)); do
    out_dir="$TMP/out-$w-$j"
    log="$TMP/inlining-$w-$j.log"
    if ! "$JAVA" --add-modules jdk.incubator.vector "${TRAINER_OPTS[@]}" \
        -XX:CompileCommand=option,dev.kiln.*::*,PrintInlining -cp "$CP" dev.kiln.cli.TrainMain \
        "$spec" "$out_dir" "$DATA" > "$log" 2>&1 || [[ ! -f $out_dir/bench-$w.json ]]; then
      grep -a -v 'WARNING: Using incubator modules' "$log" | grep -a -v '^ *@\|^ *\\->' | tail -20 >&2
      echo "TrainMain failed (spec: $spec)" >&2
      exit 1
    fi
    seconds=$(sed -n 's/.*"seconds" *: *\([0-9.]*\).*/\1/p' "$out_dir/bench-$w.json" | head -1)
    # "@ 42   jdk.internal.vm.vector.VectorSupport::store (38 bytes)   failed to inline (intrinsic)"
    failed=$(grep -a 'failed to inline (intrinsic)' "$log" | sed 's/^ *@ *[0-9]* *//; s/ (.*//' | sort | uniq -c \
      | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }' || true)
    if [[ -n $failed ]]; then
      FAILED_JVMS=$((FAILED_JVMS + 1))
      echo "JVM $j: epoch ${seconds:-?} s, intrinsics left as calls: $failed"
    else
      echo "JVM $j: epoch ${seconds:-?} s, every intrinsic compiled"
    fi
  done
done
if ((FAILED_JVMS > 0)); then
  echo "$FAILED_JVMS JVM(s) ran some of Kiln's vector code on the Vector API's Java fallback"
  exit 1
fi
echo "Every JVM compiled every intrinsic in Kiln's code"
