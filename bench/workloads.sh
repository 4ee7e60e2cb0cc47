# The end-to-end workloads, shared by the bench scripts (sourced; defines functions only).
#
# The layers of each workload in the spec format dev.kiln.spec.TrainingSpec reads (what the plugin
# writes from the POM's <layers>), and its input normalization.
spec_layers() {
  case "$1" in
    mlp) cat <<'LAYERS'
layers.count=6
layers.000.type=dense
layers.000.param.units=512
layers.001.type=relu
layers.002.type=dense
layers.002.param.units=512
layers.003.type=relu
layers.004.type=dense
layers.004.param.units=10
layers.005.type=softmax
LAYERS
    ;;
    cnn) cat <<'LAYERS'
layers.count=12
layers.000.type=conv2d
layers.000.param.filters=32
layers.000.param.kernel=3
layers.001.type=relu
layers.002.type=conv2d
layers.002.param.filters=64
layers.002.param.kernel=3
layers.003.type=relu
layers.004.type=maxPool2d
layers.004.param.size=2
layers.005.type=dropout
layers.005.param.rate=0.25
layers.006.type=flatten
layers.007.type=dense
layers.007.param.units=128
layers.008.type=relu
layers.009.type=dropout
layers.009.param.rate=0.5
layers.010.type=dense
layers.010.param.units=10
layers.011.type=softmax
LAYERS
    ;;
  esac
}
# MNIST's mean and std for the CNN (like PyTorch's example and src/examples/mnist-cnn); the MLP
# keeps the plain 0-1 scale it was measured with.
norm_mean() { [[ $1 == cnn ]] && echo 0.1307 || echo 0.0; }
norm_std() { [[ $1 == cnn ]] && echo 0.3081 || echo 1.0; }
# write_spec WORKLOAD THREADS LIMIT FILE [EPOCHS]: EPOCHS (default 1) epochs of WORKLOAD (mlp or
# cnn) on the first LIMIT MNIST images (0 = all), batch 64, Adam lr 1e-3, seed 42, at THREADS
# threads, into FILE
write_spec() {
  local w=$1 t=$2 limit=$3 epochs=${5:-1}
  {
    echo "modelName=bench-$w"
    echo "data.name=mnist"
    echo "data.trainLimit=$limit"
    echo "data.inputMean=$(norm_mean "$w")"
    echo "data.inputStd=$(norm_std "$w")"
    spec_layers "$w"
    cat <<EOF2
loss=crossEntropy
optimizer.name=adam
optimizer.learningRate=0.001
optimizer.momentum=0.0
optimizer.beta1=0.9
optimizer.beta2=0.999
optimizer.epsilon=1.0E-8
optimizer.schedule=constant
optimizer.decay=0.8
epochs=$epochs
batchSize=64
seed=42
threads=$t
minAccuracy=NaN
opset=17
EOF2
  } > "$4"
}

# kiln_classpath ROOT TMP BUILD: prints the runtime jar and its dependencies as a classpath,
# building the jar first when BUILD is 1 or there is none (Maven's output goes to stderr)
kiln_classpath() {
  local root=$1 tmp=$2 build=$3 jar
  # the runtime jar itself, not its test-fixtures jar (kiln-runtime-<version>-tests.jar)
  runtime_jar() { ls "$root"/runtime/target/kiln-runtime-*.jar 2>/dev/null | grep -v -- '-tests\.jar$' | head -1; }
  jar=$(runtime_jar)
  if [[ $build == 1 || -z $jar ]]; then
    echo "== Building the runtime jar" >&2
    (cd "$root" && ./mvnw -q -B -pl runtime -DskipTests package) >&2 || return 1
    jar=$(runtime_jar)
  fi
  [[ -n $jar ]] || { echo "no runtime jar in $root/runtime/target after the build" >&2; return 1; }
  (cd "$root" && ./mvnw -q -B -pl runtime dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$tmp/cp.txt" > /dev/null) || return 1
  echo "$jar:$(cat "$tmp/cp.txt")"
}

# Takes the machine's benchmark lock for the rest of the calling script, or exits with status 1
# naming who holds it: two measuring scripts at once share the cores and skew each other's
# figures, and the overlap leaves no trace in either one's output. The lock file (KILN_BENCH_LOCK,
# default kiln-bench-<uid>.lock in $TMPDIR or /tmp: one per user, since a file another user made
# in /tmp may not be opened for writing) holds its owner's pid and command line; the kernel
# releases the lock when the script exits, however it ends. Needs flock (util-linux).
bench_lock() {
  local lock=${KILN_BENCH_LOCK:-${TMPDIR:-/tmp}/kiln-bench-$(id -u).lock}
  exec {BENCH_LOCK_FD}>>"$lock" || { echo "cannot open the benchmark lock file $lock" >&2; exit 1; }
  if ! flock -n "$BENCH_LOCK_FD"; then
    echo "another Kiln benchmark is running ($(tr -d '\n' <"$lock" 2>/dev/null | head -c 300)):" \
         "two at once share the cores and skew each other's figures; wait for it to end (lock: $lock)" >&2
    exit 1
  fi
  printf 'pid %s: %s\n' "$$" "$(tr '\0' ' ' </proc/$$/cmdline)" >"$lock"
}
