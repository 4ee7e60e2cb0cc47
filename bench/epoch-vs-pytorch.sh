#!/usr/bin/env bash
# Kiln vs PyTorch on the same machine in the same run:
#   sgemm  SGEMM 1024³ (needs bench/target/benchmarks.jar): on 1 thread, Kiln against numpy's
#          OpenBLAS (Debian python3-numpy, OPENBLAS_NUM_THREADS=1) in alternating 0.25 s windows
#          (numpy drives dev.kiln.bench.InterleavedGemm --serve; the ratio is the median of the
#          per-round ratios), after numpy alone with the system default BLAS and OpenBLAS's own
#          kernel choice; on 2 threads, Kiln against the FMA peak, also in alternation
#          (dev.kiln.bench.InterleavedGemm --threads 2). The host's speed moves by the second, so
#          figures timed minutes apart do not compare
#   mlp    ONE epoch of the MLP workload (784-512-512-10 ReLU, batch 64, Adam lr 1e-3, full MNIST)
#   cnn    ONE epoch of the CNN workload: PyTorch's examples/mnist network, which is Kiln's
#          src/examples/mnist-cnn (conv 32 3x3, ReLU, conv 64 3x3, ReLU, max-pool 2, dropout 0.25,
#          flatten, dense 128, ReLU, dropout 0.5, dense 10, softmax), batch 64, Adam lr 1e-3,
#          inputs normalized with MNIST's mean 0.1307 and std 0.3081, full MNIST
#          Both epochs run in Kiln (dev.kiln.cli.TrainMain with the forked trainer's JVM options,
#          `seconds` of epoch 1 from the JSON report: training pass only) and in PyTorch (bench/pytorch_epoch.py --model mlp|cnn,
#          training loop only), at the same thread count
# and prints a summary: per workload and thread count Kiln s, PyTorch s and Kiln/PyTorch, the
# 1→2 thread scaling (t1/t2) of both when 1 and 2 threads ran, and last the Kiln/PyTorch ratios.
#
# Usage: bench/epoch-vs-pytorch.sh [--threads 2|1,2] [--workloads sgemm,mlp,cnn] [--limit N] [--repeat N] [--epochs N] [--build]
#   --threads    thread counts to compare at, comma separated (default 2)
#   --workloads  any of sgemm, mlp, cnn, comma separated (default all three)
#   --limit      train on the first N images only (0 = all, the default), for a quick check
#   --repeat     run every epoch pair (Kiln, then PyTorch, at each thread count in turn) N times
#                (default 1) and summarize by medians: on a shared VM single runs move by 10-30 %;
#                a repetition's 1- and 2-thread runs are minutes apart, not a whole run
#   --build      rebuild the runtime jar even if runtime/target has one
#   --epochs     train N epochs (default 1) in each Kiln JVM and each PyTorch process. Epoch 1,
#                with a fresh JVM's JIT warm-up, stays the figure of every ratio printed as
#                before; the summary then adds the median of epochs 2..N on each side, their
#                ratio and scaling: the steady state, measured in the same run
# Environment: JAVA (default java), KILN_DATASETS (default ~/.kiln/datasets, MNIST in mnist/),
#   OPENBLAS_DIR (default /usr/lib/x86_64-linux-gnu/openblas-openmp where installed, else
#   openblas-pthread), KILN_OPENBLAS_CORETYPE (see below).
#   The script calls ./mvnw for the runtime jar and its classpath; Maven reads extra options from
#   MAVEN_ARGS, e.g. MAVEN_ARGS=-Dmaven.repo.local=/tmp/m2 for a separate local repository.
#
# Needs Debian's PyTorch and OpenBLAS for /usr/bin/python3 (not installed by this script):
#   apt-get install -y python3-torch libopenblas0-openmp
# PyTorch runs fastest on the OpenMP build of OpenBLAS: one OpenMP pool for PyTorch and BLAS.
# With the pthread build (two pools on the same cores) it needs OMP_WAIT_POLICY=PASSIVE, and was
# still slower: MNIST MLP at 2 threads 1.08-1.09 s against 1.50-1.89 s, the CNN on 12,800 images
# 6.9 s against 8.8 s (AMD Zen 5 host, seventh session).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
THREADS=2
WORKLOADS=sgemm,mlp,cnn
LIMIT=0
BUILD=0
REPEAT=1
EPOCHS=1
JAVA=${JAVA:-java}
PY=/usr/bin/python3
DATA=${KILN_DATASETS:-$HOME/.kiln/datasets}
if [[ -z ${OPENBLAS_DIR:-} ]]; then
  OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
  [[ -e $OPENBLAS_DIR/libblas.so.3 ]] || OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-pthread
fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;;
    --build) BUILD=1; shift ;;
    --cnn) echo "--cnn is gone: the CNN is a workload now, e.g. --workloads cnn (see --help)" >&2; exit 2 ;;
    -h|--help) awk 'NR == 1 { next } /^#/ { print; next } { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
has() { [[ ",$WORKLOADS," == *",$1,"* ]]; }
for w in ${WORKLOADS//,/ }; do
  case "$w" in sgemm|mlp|cnn) ;; *) echo "unknown workload $w (allowed: sgemm, mlp, cnn)" >&2; exit 2 ;; esac
done
for t in ${THREADS//,/ }; do
  [[ $t =~ ^[1-9][0-9]*$ ]] || { echo "bad thread count $t in --threads $THREADS" >&2; exit 2; }
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "bad --repeat $REPEAT: a count of at least 1" >&2; exit 2; }
[[ $EPOCHS =~ ^[1-9][0-9]*$ ]] || { echo "bad --epochs $EPOCHS: a count of at least 1" >&2; exit 2; }
# what the summary calls epochs 2..N
LATER=$( ((EPOCHS == 2)) && echo "epoch 2" || echo "epochs 2-$EPOCHS")
load() { cut -d' ' -f1-3 /proc/loadavg; }
# The workloads' specs (spec_layers, norm_mean, norm_std, write_spec), kiln_classpath, bench_lock
source "$ROOT/bench/workloads.sh"
bench_lock

# ---- checks ----------------------------------------------------------------------------------
if ! "$PY" -c 'import torch, numpy' 2>/dev/null; then
  echo "PyTorch or numpy is missing for $PY. Install Debian's packages:" >&2
  echo "  apt-get install -y python3-torch libopenblas0-openmp" >&2
  exit 1
fi
if [[ ! -e "$OPENBLAS_DIR/libblas.so.3" ]]; then
  echo "No OpenBLAS at $OPENBLAS_DIR (PyTorch would run on the reference BLAS). Install it:" >&2
  echo "  apt-get install -y libopenblas0-openmp   (or set OPENBLAS_DIR)" >&2
  exit 1
fi
if [[ ! -e "$DATA/mnist/train-images-idx3-ubyte" ]]; then
  echo "MNIST is not in $DATA/mnist; the Kiln run will fetch it (dev.kiln.data.DatasetCatalog)." >&2
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# OpenBLAS 0.3.21 (Debian 12) does not know every recent CPU model and then falls back to its
# Prescott (SSE3) kernels. A comparison against those would flatter Kiln, so unless
# KILN_OPENBLAS_CORETYPE says otherwise, an AVX-512 machine runs OpenBLAS with its SkylakeX
# kernels (an AVX2 machine with Haswell), and numpy is also measured with the detected kernels.
if [[ -z "${KILN_OPENBLAS_CORETYPE:-}" ]]; then
  if grep -qw avx512f /proc/cpuinfo; then KILN_OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo; then KILN_OPENBLAS_CORETYPE=Haswell
  else KILN_OPENBLAS_CORETYPE=detected; fi
fi
# the pthread build's threads and PyTorch's OpenMP threads share the cores: idle OpenMP threads
# must sleep rather than spin; the OpenMP build has one pool, whose default is best
if [[ $OPENBLAS_DIR == *openmp* ]]; then TORCH_WAIT_POLICY=; else TORCH_WAIT_POLICY=PASSIVE; fi
# Runs python with OpenBLAS: $1 = core type ("detected" = OpenBLAS's own choice), $2 = BLAS threads
py_blas() {
  local core=$1 blas_threads=$2; shift 2
  if [[ $core == detected ]]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH="$OPENBLAS_DIR" \
      OPENBLAS_NUM_THREADS="$blas_threads" OMP_NUM_THREADS="$blas_threads" "$PY" "$@"
  else
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$core" LD_LIBRARY_PATH="$OPENBLAS_DIR" \
      OPENBLAS_NUM_THREADS="$blas_threads" OMP_NUM_THREADS="$blas_threads" "$PY" "$@"
  fi
}

# py_blas for PyTorch: with OMP_WAIT_POLICY set as TORCH_WAIT_POLICY says
torch_blas() {
  if [[ -n $TORCH_WAIT_POLICY ]]; then
    OMP_WAIT_POLICY=$TORCH_WAIT_POLICY py_blas "$@"
  else
    py_blas "$@"
  fi
}

echo "== Machine"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) (vendor $(grep -m1 vendor_id /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), model $(grep -m1 '^model' /proc/cpuinfo | cut -d: -f2 | xargs)), $(nproc) cores, AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
echo "JDK: $("$JAVA" -version 2>&1 | head -1)"
echo "PyTorch's OpenBLAS: $OPENBLAS_DIR, core type $KILN_OPENBLAS_CORETYPE, OMP_WAIT_POLICY ${TORCH_WAIT_POLICY:-unset}"
echo "Python: $("$PY" --version), torch $("$PY" -c 'import torch; print(torch.__version__)'), numpy $("$PY" -c 'import numpy; print(numpy.__version__)')"
echo "OpenBLAS core type for the comparisons: $KILN_OPENBLAS_CORETYPE"
echo "Load (1/5/15 min) at start: $(load)"

# ---- SGEMM 1024³, 1 thread ---------------------------------------------------------------------
NUMPY_SGEMM='
import ctypes, os, time, numpy as np
n = 1024
rng = np.random.default_rng(42)
a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
# timed like the JMH side: 3 windows of 1 s of warm-up, then 5 measured windows of 1 s, each
# window: calls x 2n^3 / its time; the mean of the 5 and the best one
windows = []
for w in range(8):
    calls, t0 = 0, time.perf_counter()
    while True:
        a @ b; calls += 1; t = time.perf_counter() - t0
        if t >= 1.0: break
    if w >= 3: windows.append(calls * 2 * n**3 / t / 1e9)
mean, best = sum(windows) / len(windows), max(windows)
libs = set()
for line in open("/proc/self/maps"):
    p = line.split()
    if len(p) >= 6 and ".so" in p[5] and any(w in os.path.basename(p[5]).lower() for w in ("blas", "lapack", "mkl")):
        libs.add(os.path.realpath(p[5]))
core = "?"
for l in sorted(libs):
    try:
        f = ctypes.CDLL(l).openblas_get_corename; f.restype = ctypes.c_char_p; core = f().decode(); break
    except (OSError, AttributeError):
        pass
blas = ", ".join(sorted(libs))
print(f"numpy {np.__version__} SGEMM 1024^3, 1 thread: {mean:.1f} GFLOP/s (mean of 5x1 s after 3x1 s warm-up; best 1 s {best:.1f}), OpenBLAS kernels: {core}, BLAS: {blas}")
print(f"NUMPY_GFLOPS={mean:.3f}")
print(f"NUMPY_GFLOPS_BEST={best:.3f}")
'
# numpy against Kiln's InterleavedGemm --serve, window for window (ABBA), after 3 s of warm-up each
SGEMM_DUEL='
import statistics, subprocess, sys, time, numpy as np
java, jar, rounds, window, opts = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]
n = 1024
rng = np.random.default_rng(42)
a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
def np_window():
    calls, t0 = 0, time.perf_counter()
    while True:
        a @ b; calls += 1; t = time.perf_counter() - t0
        if t >= window: return calls * 2 * n**3 / t / 1e9
kiln = subprocess.Popen([java, "--add-modules", "jdk.incubator.vector", *opts, "-cp", jar, "dev.kiln.bench.InterleavedGemm",
                         "--serve", "--threads", "1", "--size", str(n), "--window", str(window)],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for line in kiln.stdout:
    if line.strip() == "READY": break
else:
    sys.exit("InterleavedGemm --serve ended before READY (exit %s)" % kiln.wait())
def kiln_window():
    kiln.stdin.write("window\n"); kiln.stdin.flush()
    line = kiln.stdout.readline()
    if not line.startswith("GFLOPS="): sys.exit("InterleavedGemm --serve answered %r" % line)
    return float(line[7:])
t0 = time.perf_counter()
while time.perf_counter() - t0 < 3: np_window()
ks, ns, rs = [], [], []
for r in range(rounds):
    if r % 2 == 0: g_np = np_window(); g_k = kiln_window()
    else: g_k = kiln_window(); g_np = np_window()
    ks.append(g_k); ns.append(g_np); rs.append(g_k / g_np)
kiln.stdin.close(); kiln.wait()
def quart(v):
    # interpolated between order statistics, as InterleavedGemm does
    q1, med, q3 = statistics.quantiles(v, n=4, method="inclusive")
    return med, q1, q3
(km, k1, k3), (nm, n1, n3), (rm, r1, r3) = quart(ks), quart(ns), quart(rs)
print(f"{rounds} rounds of two {window} s windows: Kiln median {km:.1f} GFLOP/s (q1 {k1:.1f}, q3 {k3:.1f}), OpenBLAS median {nm:.1f} (q1 {n1:.1f}, q3 {n3:.1f}); Kiln/OpenBLAS per round: median {rm:.3f} (q1 {r1:.3f}, q3 {r3:.3f})")
print(f"KILN_GFLOPS={km:.3f}")
print(f"NUMPY_GFLOPS={nm:.3f}")
print(f"RATIO_MEDIAN={rm:.3f}")
'
SGEMM_RATIO="" KILN_SGEMM="" NUMPY_SGEMM_BEST="" NUMPY_SGEMM_DETECTED="" SGEMM2_SHARE=""
if has sgemm; then
  echo
  echo "== SGEMM 1024³, 1 thread (load $(load))"
  # OMP_NUM_THREADS too: an OpenMP build of OpenBLAS (libopenblas0-openmp) ignores OPENBLAS_NUM_THREADS
  out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PY" -c "$NUMPY_SGEMM")
  echo "numpy alone, system default BLAS:   ${out%%$'\n'NUMPY_GFLOPS=*}"
  NUMPY_SGEMM_DEFAULT=$(sed -n 's/^NUMPY_GFLOPS=//p' <<<"$out")
  out=$(py_blas detected 1 -c "$NUMPY_SGEMM")
  echo "numpy alone, OpenBLAS, detected:    ${out%%$'\n'NUMPY_GFLOPS=*}"
  NUMPY_SGEMM_DETECTED=$(sed -n 's/^NUMPY_GFLOPS=//p' <<<"$out")
  JAR="$ROOT/bench/target/benchmarks.jar"
  if [[ -f $JAR ]]; then
    # the trainer's HotSpot options (objects on cache lines, where the GEMM packs B), as for the epochs
    mapfile -t GEMM_OPTS < <("$JAVA" -cp "$JAR" dev.kiln.cli.TrainerJvmOptions "$TMP")
    echo "Kiln's JVM options (dev.kiln.cli.TrainerJvmOptions): ${GEMM_OPTS[*]}"
    out=$(py_blas "$KILN_OPENBLAS_CORETYPE" 1 -c "$SGEMM_DUEL" "$JAVA" "$JAR" 40 0.25 "${GEMM_OPTS[@]}")
    echo "Kiln against numpy with OpenBLAS $KILN_OPENBLAS_CORETYPE, alternating: ${out%%$'\n'KILN_GFLOPS=*}"
    KILN_SGEMM=$(sed -n 's/^KILN_GFLOPS=//p' <<<"$out")
    NUMPY_SGEMM_BEST=$(sed -n 's/^NUMPY_GFLOPS=//p' <<<"$out")
    SGEMM_RATIO=$(sed -n 's/^RATIO_MEDIAN=//p' <<<"$out")
    echo
    echo "== SGEMM 1024³, 2 threads, against the FMA peak (load $(load))"
    out=$("$JAVA" --add-modules jdk.incubator.vector "${GEMM_OPTS[@]}" -cp "$JAR" dev.kiln.bench.InterleavedGemm --threads 2 2>/dev/null)
    echo "${out%%$'\n'SHARE_MEDIAN=*}"
    SGEMM2_SHARE=$(sed -n 's/^SHARE_MEDIAN=//p' <<<"$out")
  else
    echo "Kiln: no $JAR; build it with ./mvnw -B -Pbench -pl bench -am package -DskipTests"
  fi
fi

# ---- epochs (MLP, CNN) -------------------------------------------------------------------------
label() { tr '[:lower:]' '[:upper:]' <<<"$1"; }

# Keyed "workload,threads,repetition"; LOAD_AT is the load when the Kiln run started, TORCH_LOAD_AT when PyTorch's did;
# the *_LATER ones hold the median of epochs 2..N with --epochs N
declare -A KILN_EPOCH TORCH_EPOCH KILN_LATER TORCH_LATER LOAD_AT TORCH_LOAD_AT
EPOCH_WORKLOADS=()
for w in mlp cnn; do has $w && EPOCH_WORKLOADS+=("$w"); done

if [[ ${#EPOCH_WORKLOADS[@]} -gt 0 ]]; then
  CP=$(kiln_classpath "$ROOT" "$TMP" "$BUILD")
  # the HotSpot options dl:train's forked trainer runs with, so these figures are the trainer's
  mapfile -t TRAINER_OPTS < <("$JAVA" -cp "$CP" dev.kiln.cli.TrainerJvmOptions "$TMP")
  echo "Kiln trainer JVM options (dev.kiln.cli.TrainerJvmOptions): ${TRAINER_OPTS[*]}"
fi

for ((rep = 1; rep <= REPEAT; rep++)); do
for w in "${EPOCH_WORKLOADS[@]}"; do
  for t in ${THREADS//,/ }; do
    k="$w,$t,$rep"
    echo
    echo "== $(label "$w") epoch, $t thread(s)$( ((REPEAT > 1)) && echo ", repetition $rep/$REPEAT") (load $(load))"
    spec="$TMP/spec-$w-$t.properties"
    write_spec "$w" "$t" "$LIMIT" "$spec" "$EPOCHS"
    LOAD_AT[$k]=$(load)
    out_dir="$TMP/out-$w-$t-$rep"
    if ! "$JAVA" --add-modules jdk.incubator.vector "${TRAINER_OPTS[@]}" -cp "$CP" dev.kiln.cli.TrainMain \
        "$spec" "$out_dir" "$DATA" 2>&1 | { grep -v 'WARNING: Using incubator modules' || true; } | sed 's/^/  kiln: /' \
        || [[ ! -f $out_dir/bench-$w.json ]]; then
      echo "Kiln: TrainMain failed, see its message above (spec: $spec)" >&2
      cat "$spec" >&2
      exit 1
    fi
    # epoch 1's seconds, and the median of the later epochs' (- when there are none)
    read -r first later < <("$PY" -c 'import json,statistics,sys
e = [x["seconds"] for x in json.load(open(sys.argv[1]))["epochs"]]
print("%.3f %s" % (e[0], "%.3f" % statistics.median(e[1:]) if len(e) > 1 else "-"))' "$out_dir/bench-$w.json")
    KILN_EPOCH[$k]=$first
    echo "Kiln epoch: ${KILN_EPOCH[$k]} s (training pass; report $out_dir/bench-$w.json)"
    if ((EPOCHS > 1)); then
      KILN_LATER[$k]=$later
      echo "Kiln $LATER: $( ((EPOCHS > 2)) && echo "median ")${KILN_LATER[$k]} s"
    fi

    # OpenBLAS gets the same thread count; with its pthread build, OMP_WAIT_POLICY=PASSIVE keeps
    # PyTorch's idle OpenMP threads from spinning against OpenBLAS's threads on the same cores
    TORCH_LOAD_AT[$k]=$(load)
    out=$(torch_blas "$KILN_OPENBLAS_CORETYPE" "$t" "$ROOT/bench/pytorch_epoch.py" \
      --model "$w" --threads "$t" --batch 64 --data "$DATA/mnist" --limit "$LIMIT" \
      --mean "$(norm_mean "$w")" --std "$(norm_std "$w")" --epochs "$EPOCHS")
    sed 's/^/  torch: /' <<<"$out"
    TORCH_EPOCH[$k]=$(sed -n 's/^PYTORCH_EPOCH_SECONDS=//p' <<<"$out")
    echo "PyTorch epoch: ${TORCH_EPOCH[$k]} s"
    if ((EPOCHS > 1)); then
      TORCH_LATER[$k]=$(sed -n 's/^PYTORCH_LATER_SECONDS=//p' <<<"$out")
      echo "PyTorch $LATER: $( ((EPOCHS > 2)) && echo "median ")${TORCH_LATER[$k]} s"
    fi
  done
done
done

# ---- summary -----------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "== Summary (load average at end $(load); above 0.5, other work was sharing the machine: compare within one run only)"
if [[ -n $NUMPY_SGEMM_DETECTED ]]; then
  echo "numpy SGEMM 1024³ 1 thread alone: system default BLAS ${NUMPY_SGEMM_DEFAULT} GFLOP/s, OpenBLAS detected kernels ${NUMPY_SGEMM_DETECTED}"
fi
if [[ -n $SGEMM_RATIO ]]; then
  echo "SGEMM 1024³ 1 thread, alternating windows: Kiln $KILN_SGEMM GFLOP/s, OpenBLAS ($KILN_OPENBLAS_CORETYPE) $NUMPY_SGEMM_BEST GFLOP/s (medians); Kiln/OpenBLAS per round: median ${SGEMM_RATIO}×"
  echo "SGEMM 1024³ 2 threads, share of the FMA peak, alternating windows: median $SGEMM2_SHARE"
fi
SCALING=0
[[ ",$THREADS," == *",1,"* && ",$THREADS," == *",2,"* ]] && SCALING=1
# median and range of the values given (a repetition's figures, or a single run's one figure)
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { (($# > 1)) && printf ' (%s–%s)' "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"; }
# the figures of one workload and thread count over the repetitions: $1 = array name, $2 = w, $3 = t
reps() { local -n a=$1; local r; for ((r = 1; r <= REPEAT; r++)); do echo "${a[$2,$3,$r]}"; done; }
# per repetition: Kiln/PyTorch at one thread count, or the t1/t2 scaling of one side
# ($1, $2 = the Kiln and PyTorch arrays, $3 = w, $4 = t)
pair_ratios() { local -n ka=$1 ta=$2; local r; for ((r = 1; r <= REPEAT; r++)); do ratio "${ka[$3,$4,$r]}" "${ta[$3,$4,$r]}"; echo; done; }
scalings() { local -n a=$1; local r; for ((r = 1; r <= REPEAT; r++)); do ratio "${a[$2,1,$r]}" "${a[$2,2,$r]}"; echo; done; }
# the median of the values given, to two decimals
median2() { awk -v m="$(median "$@")" 'BEGIN { printf "%.2f", m }'; }
# "TITLE: Kiln 1.85× (range), PyTorch ..." for workload $2 from arrays $3 (Kiln) and $4 (PyTorch)
scaling_line() {
  local ks ts
  mapfile -t ks < <(scalings "$3" "$2")
  mapfile -t ts < <(scalings "$4" "$2")
  echo "$1: Kiln $(median2 "${ks[@]}")×$(spread "${ks[@]}"), PyTorch $(median2 "${ts[@]}")×$(spread "${ts[@]}")"
}
if ((REPEAT > 1)); then
  echo "Medians of $REPEAT repetitions, (min–max); ratios and scalings are taken per repetition, then their median"
fi
declare -A RATIO_MED
for w in "${EPOCH_WORKLOADS[@]}"; do
  for t in ${THREADS//,/ }; do
    mapfile -t kv < <(reps KILN_EPOCH "$w" "$t")
    mapfile -t tv < <(reps TORCH_EPOCH "$w" "$t")
    mapfile -t rv < <(pair_ratios KILN_EPOCH TORCH_EPOCH "$w" "$t")
    RATIO_MED[$w,$t]=$(median2 "${rv[@]}")
    if ((REPEAT == 1)); then
      echo "$(label "$w") epoch, $t thread(s), load ${LOAD_AT[$w,$t,1]} (Kiln) / ${TORCH_LOAD_AT[$w,$t,1]} (PyTorch): Kiln ${kv[0]} s, PyTorch ${tv[0]} s, Kiln/PyTorch ${RATIO_MED[$w,$t]}"
    else
      echo "$(label "$w") epoch, $t thread(s): Kiln $(median "${kv[@]}") s$(spread "${kv[@]}"), PyTorch $(median "${tv[@]}") s$(spread "${tv[@]}"), Kiln/PyTorch ${RATIO_MED[$w,$t]}$(spread "${rv[@]}")"
    fi
  done
  if [[ $SCALING == 1 ]]; then
    scaling_line "$(label "$w") 1→2 thread scaling (t1/t2, above 1 = faster on 2)" "$w" KILN_EPOCH TORCH_EPOCH
  fi
  if ((EPOCHS > 1)); then
    # the steady state beside epoch 1: each run's median of its epochs 2..N, the same JVM or process
    for t in ${THREADS//,/ }; do
      mapfile -t kv < <(reps KILN_LATER "$w" "$t")
      mapfile -t tv < <(reps TORCH_LATER "$w" "$t")
      mapfile -t rv < <(pair_ratios KILN_LATER TORCH_LATER "$w" "$t")
      echo "$(label "$w") $LATER, $t thread(s): Kiln $(median "${kv[@]}") s$(spread "${kv[@]}"), PyTorch $(median "${tv[@]}") s$(spread "${tv[@]}"), Kiln/PyTorch $(median2 "${rv[@]}")$(spread "${rv[@]}")"
    done
    if [[ $SCALING == 1 ]]; then
      scaling_line "$(label "$w") $LATER, 1→2 thread scaling" "$w" KILN_LATER TORCH_LATER
    fi
  fi
done
# last, the target figures: epoch 1 of a fresh JVM, whatever --epochs says
for w in "${EPOCH_WORKLOADS[@]}"; do
  for t in ${THREADS//,/ }; do
    echo "Kiln/PyTorch epoch time, $(label "$w"), $t thread(s): ${RATIO_MED[$w,$t]}"
  done
done
