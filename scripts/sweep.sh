#!/usr/bin/env bash
#===- sweep.sh - compile a model under a list of bit-width caps ----------===#
#
# Usage: scripts/sweep.sh [--no-plot] MODEL_DIR OUT_DIR [CAP ...]
#
# Compiles the model of MODEL_DIR (model.onnx, calib_x.npy, test_x.npy,
# test_y.npy) once per CAP with the qfhe pipeline, the allocation measured
# on calib_x.npy, runs each integer program on the test split, and writes
#
#   OUT_DIR/sweep.csv  one row per cap: cap, tlu, float_accuracy, accuracy,
#                      agreement (how often it predicts what the float
#                      program does), widest_bits, lookups, roundings and
#                      bootstraps per sample, their FHE cost (8-bit
#                      bootstraps, docs/cost.md), compile_seconds, error
#   OUT_DIR/sweep.md   the same as a Markdown table
#   OUT_DIR/sweep.png  accuracy and bootstraps per sample against the cap
#                      (scripts/plot_sweep.py; needs matplotlib, Debian's
#                      python3-matplotlib; --no-plot skips it)
#
# and keeps each cap's programs and reports in OUT_DIR/cap-<CAP>/. A CAP is
# N (max-bit-width=N) or N/T (and tlu-bit-width=T); default: 6 7 8 10 12. A
# cap the model cannot be compiled under gets a row with the compiler's
# error. QFHE_PIPELINE_OPTIONS adds pipeline options (strategy=uniform,
# ...); tools come from $QFHE_BUILD_DIR/bin (default: build/bin), Python
# from $PYTHON (default: /usr/bin/python3).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${QFHE_BUILD_DIR:-$ROOT/build}/bin
PYTHON=${PYTHON:-/usr/bin/python3}
source "$ROOT/scripts/model_dir.sh"

plot=1
if [ "${1:-}" = --no-plot ]; then
  plot=0
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: $0 [--no-plot] MODEL_DIR OUT_DIR [CAP ...] (CAP: N or N/TLU)" >&2
  exit 2
fi
model_dir_check "$1"
DATA=$(cd "$1" && pwd)
OUT=$2
shift 2
CAPS=("$@")
[ ${#CAPS[@]} -gt 0 ] || CAPS=(6 7 8 10 12)
for cap in "${CAPS[@]}"; do
  if ! [[ $cap =~ ^[0-9]+(/[0-9]+)?$ ]]; then
    echo "error: cap '$cap' is not N or N/TLU (bits, e.g. 8 or 10/8)" >&2
    exit 2
  fi
done
mkdir -p "$OUT"
THRESHOLD=$(model_threshold "$DATA")

# The float program, calibrated once.
"$BIN/quant-translate" --import-onnx "$DATA/model.onnx" -o "$OUT/float.mlir"
"$BIN/quant-run" calibrate "$OUT/float.mlir" --data "$DATA/calib_x.npy" \
  -o "$OUT/calibrated.mlir" > /dev/null

# accuracy PROGRAM [LABELS [quant-run options]]: its accuracy on the test
# split against LABELS (default: the test labels).
accuracy() {
  local program=$1 labels=${2:-$DATA/test_y.npy}
  shift $(($# < 2 ? $# : 2))
  "$BIN/quant-run" "$program" --data "$DATA/test_x.npy" --labels "$labels" \
    --threshold "$THRESHOLD" "$@" | sed -n 's/^accuracy: //p'
}
float=$(accuracy "$OUT/float.mlir" "" --predictions "$OUT/float-classes.npy")

CSV=$OUT/sweep.csv
echo "cap,tlu,float_accuracy,accuracy,agreement,widest_bits,lookups,roundings,bootstraps,fhe_cost,compile_seconds,error" > "$CSV"
for cap in "${CAPS[@]}"; do
  max=${cap%/*}
  tlu=$max
  [ "$cap" != "$max" ] && tlu=${cap#*/}
  work=$OUT/cap-${cap//\//-}
  mkdir -p "$work"
  echo "== cap $max, lookups of at most $tlu bits" >&2
  options="max-bit-width=$max tlu-bit-width=$tlu calibration-data=$DATA/calib_x.npy report=$work/report.json ${QFHE_PIPELINE_OPTIONS:-}"
  start=$(date +%s%N)
  if ! "$BIN/quant-opt" "$OUT/calibrated.mlir" -o "$work/integer.mlir" \
      --mlir-print-debuginfo --qfhe-pipeline="$options" 2> "$work/errors.txt"; then
    # The first error, without its location, quoted for CSV.
    reason=$({ grep -m1 -o 'error: .*' "$work/errors.txt" || true; } | cut -c8- | sed 's/"/""/g')
    echo "$max,$tlu,$float,,,,,,,,,\"${reason:-quant-opt failed}\"" >> "$CSV"
    continue
  fi
  seconds=$(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }")
  "$BIN/quant-run" summary "$work/report.json" > "$work/summary.txt"
  # "per sample: L lookups (...) + R roundings (...) = B bootstraps, FHE
  # cost C" and "widest value: W bits (...)" of the summary.
  read -r lookups roundings bootstraps cost < <(sed -n \
    's/^ *per sample: \([0-9]*\) lookups\{0,1\}.* + \([0-9]*\) roundings\{0,1\}.* = \([0-9]*\) bootstraps, FHE cost \([0-9.]*\)$/\1 \2 \3 \4/p' \
    "$work/summary.txt")
  widest=$(sed -n 's/^ *widest value: \([0-9]*\) bits.*/\1/p' "$work/summary.txt")
  widest=${widest:-0}
  integer=$(accuracy "$work/integer.mlir")
  agreement=$(accuracy "$work/integer.mlir" "$OUT/float-classes.npy")
  echo "$max,$tlu,$float,$integer,$agreement,$widest,$lookups,$roundings,$bootstraps,$cost,$seconds," >> "$CSV"
done

# The Markdown table, from the CSV.
{
  echo "Model \`$(basename "$DATA")\`: the qfhe pipeline under each bit-width cap (scripts/sweep.sh)."
  echo
  echo "| cap | tlu | float accuracy | accuracy | agreement with float | widest bits | lookups | roundings | bootstraps | FHE cost | compile s | error |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$CSV" | awk -F, '{
    error = $12; for (i = 13; i <= NF; i++) error = error "," $i
    gsub(/^"|"$/, "", error); gsub(/""/, "\"", error); gsub(/\|/, "\\|", error)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
      $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, error }'
} > "$OUT/sweep.md"
echo "wrote $CSV and $OUT/sweep.md" >&2

if [ $plot = 1 ]; then
  if "$PYTHON" -c 'import matplotlib' 2> /dev/null; then
    "$PYTHON" "$ROOT/scripts/plot_sweep.py" "$CSV" "$OUT/sweep.png"
    echo "wrote $OUT/sweep.png" >&2
  else
    echo "no plot: $PYTHON has no matplotlib (apt-get install python3-matplotlib, or --no-plot)" >&2
    exit 1
  fi
fi
