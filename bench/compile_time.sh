#!/usr/bin/env bash
#===- compile_time.sh - compile time against parse+print, quant-run speed -===#
#
# Part of qfhe, a quantization compiler for fully homomorphic encryption.
#
# Two measurements, each a ratio against a baseline timed in the same call
# (`bench/paired_time.py --vs 'B' -- A`: whole processes, A and B in turn,
# the ratio taken pair by pair; the medians are quoted):
#
#  1. Compile time of `quant-opt --qfhe-pipeline=max-bit-width=P` (no
#     calibration data: the estimated allocation) at caps 8 and 16 on the
#     synthetic MLPs of bench/make_mlp.py (784-64-10: 51k parameters,
#     784-256-256-10: 270k, 1024x5: 4.2M, 2048x5: 16.8M), against upstream
#     `mlir-opt`
#     parsing and printing the same calibrated file (the qfhe dialect loaded
#     as a plugin: the #qfhe.observed statistics are its attributes).
#  2. quant-run on the Fashion-MNIST MLP (fashion_mlp_full) and the digits
#     CNN of the model suite, 10,000 samples each: the integer program (cap
#     8, compiled with the model's calibration data) against the float one,
#     whole process (JIT compile included), and the samples per second of
#     the sample loop and the JIT compile seconds from each run's --report.
#
# Usage: bench/compile_time.sh [BUILD_DIR] > bench/COMPILE_TIME.md
#        (default build/; RUNS=N runs per command, default 3; SIZES="" runs
#        the quant-run part alone, QUANT_RUN_MODELS="" the pipeline part
#        alone; SEARCH_SIZES lists the sizes also compiled with the measured
#        search, default 784-256-256-10)
# Needs a built tree (quant-opt, quant-run, quant-translate, QFHEPlugin),
# /usr/lib/llvm-22/bin/mlir-opt, and /usr/bin/python3 with numpy (for the
# models; bench/paired_time.py needs only the standard library). Models are
# generated into a temporary directory.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN=$BUILD/bin
MLIR_OPT=/usr/lib/llvm-22/bin/mlir-opt
PLUGIN=$(ls "$BUILD"/lib/QFHEPlugin.so 2>/dev/null || true)
RUNS=${RUNS:-3}
SIZES=${SIZES-"784-64-10 784-256-256-10 1024x5 2048x5"}
CAPS=${CAPS:-"8 16"}
SEARCH_SIZES=${SEARCH_SIZES-"784-256-256-10"}
QUANT_RUN_MODELS=${QUANT_RUN_MODELS-"fashion_mlp_full digits_cnn"}
for tool in quant-opt quant-run quant-translate; do
  [ -x "$BIN/$tool" ] || { echo "no $BIN/$tool: build it first" >&2; exit 1; }
done
[ -z "$SIZES" ] || [ -n "$PLUGIN" ] ||
  { echo "no QFHEPlugin.so under $BUILD/lib" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# median WHAT FILE [KIND]: the median wall (or KIND: cpu) seconds of A or
# B, or of the pairwise ratio A/B (WHAT = ratio), from
# bench/paired_time.py's output in FILE (lines `WHAT KIND min X median Y
# max Z ...`).
median() {
  awk -v w="$1" -v k="${3:-wall}" '$1 == w && $2 == k { print $6; exit }' "$2"
}

# ok WHO FILE: whether A or B ran all its runs and each exited with 0
# (paired_time.py writes `exit WHO ...` lines for the others, and a
# `timeout` line when the call was cut short).
ok() {
  grep -q "^$1 wall " "$2" && ! grep -Eq "^(exit $1 |timeout )" "$2"
}

# bench NAME TIMEOUT A... : times A against B in $BASELINE with
# bench/paired_time.py, keeps its output in $TMP/NAME.txt.
bench() {
  local name=$1 timeout=$2
  shift 2
  /usr/bin/python3 "$ROOT/bench/paired_time.py" -n "$RUNS" --warmup 1 \
    --timeout "$timeout" --vs "$BASELINE" -- "$@" > "$TMP/$name.txt" 2>&1 ||
    true
}

echo "# Compile time and quant-run throughput"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m),"\
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')."
echo "Reproduce: \`bench/compile_time.sh > bench/COMPILE_TIME.md\`"\
  "(whole-process timings, pairwise, by bench/paired_time.py; $RUNS runs"\
  "per command after one warm-up; medians)."
declare -A SECONDS_OF
if [ -n "$SIZES" ]; then
echo
echo "## Pipeline against parse+print"
echo
echo "\`quant-opt calibrated.mlir --qfhe-pipeline=max-bit-width=P -o /dev/null\`"
echo "(estimated allocation, no calibration data) against"
echo "\`mlir-opt --load-dialect-plugin=QFHEPlugin.so calibrated.mlir -o /dev/null\`."
echo
echo "| model | params | parse+print (s) | cap | pipeline (s) | ratio wall | ratio CPU |"
echo "|---|---|---|---|---|---|---|"
for sizes in $SIZES; do
  dir=$TMP/$sizes
  mkdir -p "$dir"
  /usr/bin/python3 "$ROOT/bench/make_mlp.py" "$sizes" "$dir" > /dev/null
  params=$(/usr/bin/python3 - "$sizes" <<'PY'
import sys
text = sys.argv[1]
if "x" in text and "-" not in text:
    w, n = text.split("x")
    s = [int(w)] * int(n)
else:
    s = [int(v) for v in text.split("-")]
print(sum(a * b + b for a, b in zip(s, s[1:])))
PY
)
  "$BIN/quant-run" calibrate "$dir/model.mlir" --data "$dir/calib_x.npy" \
    -o "$dir/calibrated.mlir" --quiet
  BASELINE="$MLIR_OPT --load-dialect-plugin=$PLUGIN $dir/calibrated.mlir -o /dev/null"
  for cap in $CAPS; do
    bench "$sizes.$cap" 1800 "$BIN/quant-opt" "$dir/calibrated.mlir" \
      "--qfhe-pipeline=max-bit-width=$cap" -o /dev/null --quiet
    file=$TMP/$sizes.$cap.txt
    a=$(median "A" "$file")
    b=$(median "B" "$file")
    r=$(median ratio "$file")
    c=$(median ratio "$file" cpu)
    ok A "$file" || { a="failed"; r="-"; c="-"; }
    ok B "$file" || { b="failed"; r="-"; c="-"; }
    echo "| $sizes | $params | ${b:-?} | $cap | ${a:-?} | ${r:-?}x | ${c:-?}x |"
    SECONDS_OF[$sizes.$cap]=$a
  done
  # The measured search (issue 16: under 30 s on 784-256-256-10).
  if [[ " $SEARCH_SIZES " == *" $sizes "* ]]; then
    bench "$sizes.search" 1800 "$BIN/quant-opt" "$dir/calibrated.mlir" \
      "--qfhe-pipeline=max-bit-width=8 calibration-data=$dir/calib_x.npy" \
      -o /dev/null --quiet
    file=$TMP/$sizes.search.txt
    a=$(median "A" "$file")
    b=$(median "B" "$file")
    r=$(median ratio "$file")
    c=$(median ratio "$file" cpu)
    ok A "$file" || { a="failed"; r="-"; c="-"; }
    echo "| $sizes | $params | ${b:-?} | 8, measured search | ${a:-?} | ${r:-?}x | ${c:-?}x |"
    SECONDS_OF[$sizes.search]=$a
  fi
done
echo
for sizes in $SEARCH_SIZES; do
  [ -n "${SECONDS_OF[$sizes.search]:-}" ] &&
    echo "Measured search (cap 8 with the calibration data) on $sizes:" \
      "${SECONDS_OF[$sizes.search]} s (issue 16: under 30 s)."
done
# Growth from 4.2M to 16.8M parameters (issue 16: at most 4.5x).
for cap in $CAPS; do
  small=${SECONDS_OF[1024x5.$cap]:-} large=${SECONDS_OF[2048x5.$cap]:-}
  if [[ $small =~ ^[0-9.]+$ && $large =~ ^[0-9.]+$ ]]; then
    echo "Growth 16.8M / 4.2M parameters at cap $cap:" \
      "$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2f", a / b }')x."
  elif [[ -n $small || -n $large ]]; then
    echo "Growth 16.8M / 4.2M parameters at cap $cap: - (a run failed)."
  fi
done
fi

echo
echo "## quant-run: integer (cap 8) against float"
echo
echo "Each model of the suite imported, calibrated on its calib_x.npy and compiled"
echo "with \`--qfhe-pipeline=\"max-bit-width=8 calibration-data=calib_x.npy\"\`;"
echo "both programs run by quant-run on 10,000 samples (the model's test images,"
echo "repeated up to 10,000), batches of 256. Whole process: the paired timer"
echo "(bench/paired_time.py), integer as A against float as B; samples/s of the"
echo "sample loop and JIT compile seconds: the best of $RUNS runs' --report."
echo
echo "| model | program | whole process (s) | samples/s (loop) | JIT compile (s) |"
echo "|---|---|---|---|---|"
# Samples per second of the sample loop or the compile time, best of RUNS.
loop() {
  local model=$1 data=$2 field=$3 best=""
  for _ in $(seq "$RUNS"); do
    "$BIN/quant-run" "$model" --data "$data" --quiet \
      --report "$TMP/report.json" > /dev/null
    value=$(sed -n "s/^ *\"$field\": \([0-9.e+-]*\),\{0,1\}$/\1/p" "$TMP/report.json")
    best=$(awk -v a="$value" -v b="$best" -v f="$field" \
      'BEGIN { if (b == "" || (f ~ /per_second/ ? a > b : a < b)) print a; else print b }')
  done
  echo "$best"
}
RATIOS=""
for model in $QUANT_RUN_MODELS; do
  data=$ROOT/test/models/$model
  dir=$TMP/$model
  mkdir -p "$dir"
  "$BIN/quant-translate" --import-onnx "$data/model.onnx" -o "$dir/float.mlir"
  "$BIN/quant-run" calibrate "$dir/float.mlir" --data "$data/calib_x.npy" \
    -o "$dir/cal.mlir" --quiet
  "$BIN/quant-opt" "$dir/cal.mlir" --quiet -o "$dir/int8.mlir" \
    --qfhe-pipeline="max-bit-width=8 calibration-data=$data/calib_x.npy"
  /usr/bin/python3 - "$data/test_x.npy" "$dir/x10000.npy" <<'PY'
import sys
import numpy as np
x = np.load(sys.argv[1])
np.save(sys.argv[2], np.resize(x, (10000,) + x.shape[1:]))
PY
  BASELINE="$BIN/quant-run $dir/cal.mlir --data $dir/x10000.npy --quiet"
  bench "quant-run.$model" 600 "$BIN/quant-run" "$dir/int8.mlir" \
    --data "$dir/x10000.npy" --quiet
  file=$TMP/quant-run.$model.txt
  float_rate=$(loop "$dir/cal.mlir" "$dir/x10000.npy" samples_per_second)
  int_rate=$(loop "$dir/int8.mlir" "$dir/x10000.npy" samples_per_second)
  echo "| $model | float | $(median B "$file") | $float_rate | $(loop "$dir/cal.mlir" "$dir/x10000.npy" compile_seconds) |"
  echo "| $model | integer, cap 8 | $(median A "$file") | $int_rate | $(loop "$dir/int8.mlir" "$dir/x10000.npy" compile_seconds) |"
  if ok A "$file" && ok B "$file"; then
    whole="$(median ratio "$file")x"
  else
    whole="- (a run failed: see the paired_time.py output below)"
  fi
  RATIOS+="- $model: whole process integer / float $whole; loop throughput integer / float $(awk -v a="$int_rate" -v b="$float_rate" 'BEGIN { printf "%.2f", a / b }')x."$'\n'
done
echo
printf '%s' "$RATIOS"
echo
echo "<details><summary>bench/paired_time.py output</summary>"
echo
echo '```'
for f in "$TMP"/*.txt; do
  echo "== $(basename "$f" .txt)"
  cat "$f"
done
echo '```'
echo "</details>"
