#!/bin/bash
# Runs specs with the native trainer ($WORK/kilntrain from build.sh) and with HotSpot 17 under the
# forked trainer's options, alternating (native, HotSpot, native, ...), and prints each run's epoch
# seconds from the JSON report. The session's comparison, one measurement at a time.
#
#   run.sh [-n ROUNDS] SPEC...      SPEC: a spec file, or WORKLOAD-THREADS (mlp-2, cnn-1, ...)
#
# WORKLOAD-THREADS writes the session's spec with bench/workloads.sh's write_spec (one epoch of full
# MNIST, batch 64, Adam, seed 42). Env: WORK, JDK17, KILN_DATASETS (default ~/.kiln/datasets).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
W=${WORK:-$HERE/target}
J17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
DATA=${KILN_DATASETS:-$HOME/.kiln/datasets}
die() { echo "run.sh: $*" >&2; exit 1; }
N=1
[[ ${1:-} == -n ]] && { N=$2; shift 2; }
[[ $# -gt 0 ]] || die "usage: run.sh [-n ROUNDS] SPEC...  (SPEC: a .properties file or mlp-2, cnn-1, ...)"
[[ -x $W/kilntrain ]] || die "no $W/kilntrain: run build.sh first"
[[ -d $DATA/mnist ]] || die "no MNIST in $DATA (set KILN_DATASETS)"
command -v python3 >/dev/null || die "python3 is needed to read the JSON reports"
source "$ROOT/bench/workloads.sh"   # write_spec, kiln_classpath, bench_lock
bench_lock

mkdir -p "$W/specs" "$W/runs" "$W/hs"
# HotSpot 17 as the plugin forks the trainer: the trainer's JVM options, the default -Xmx2g
CP=$(kiln_classpath "$ROOT" "$W" 0) || die "could not get the runtime's classpath from Maven"
mapfile -t HSOPTS < <("$J17/bin/java" -cp "$CP" dev.kiln.cli.TrainerJvmOptions "$W/hs")

specs=()
for s in "$@"; do
  if [[ -f $s ]]; then specs+=("$(cd "$(dirname "$s")" && pwd)/$(basename "$s")")
  elif [[ $s =~ ^(mlp|cnn)-([0-9]+)$ ]]; then
    write_spec "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 60000 "$W/specs/$s.properties"; specs+=("$W/specs/$s.properties")
  else die "no spec file $s"; fi
done

one() { # kind spec round
  local kind=$1 spec=$2 r=$3 name model d t0 t1
  name=$(basename "$spec" .properties); model=$(sed -n 's/^modelName=//p' "$spec")
  d=$W/runs/$name-$kind-$r; rm -rf "$d"
  t0=$(date +%s.%N)
  case $kind in
    native)   "$W/kilntrain" -Xmx2g "$spec" "$d" "$DATA" > "$d.log" 2>&1 ;;
    hotspot17) "$J17/bin/java" --add-modules jdk.incubator.vector "${HSOPTS[@]}" -Xmx2g -cp "$CP" \
                 dev.kiln.cli.TrainMain "$spec" "$d" "$DATA" > "$d.log" 2>&1 ;;
  esac || { echo "$name $kind round $r failed (log: $d.log)"; return 0; }
  t1=$(date +%s.%N)
  python3 - "$d/$model.json" "$name" "$kind" "$r" "$t0" "$t1" <<'PY'
import json, sys, hashlib
f, name, kind, r, t0, t1 = sys.argv[1:]
j = json.load(open(f)); e = j['epochs'][0]
cm = hashlib.sha1(json.dumps(j['confusionMatrix']).encode()).hexdigest()[:8]
print(f"{name:14} {kind:9} {r:>3} {e['seconds']:8.3f} {float(t1)-float(t0):7.2f} "
      f"{j['testAccuracy']:<7} {e['trainLoss']:.6f} {cm}")
PY
}
echo "spec           run       rnd  epoch_s  wall_s testAcc trainLoss confusion"
for r in $(seq 1 "$N"); do
  for s in "${specs[@]}"; do one native "$s" "$r"; one hotspot17 "$s" "$r"; done
done
