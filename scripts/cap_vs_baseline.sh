#!/usr/bin/env bash
#===- cap_vs_baseline.sh - one model under one cap, against the baseline --===#
#
# Usage: cap_vs_baseline.sh CALIBRATED.mlir MODEL_DIR CAP TLU MIN_ACCURACY WORK
#
# Compiles the calibrated float model with the qfhe pipeline (strategy a2q,
# measured on MODEL_DIR/calib_x.npy) and with the classic baseline
# (strategy uniform), runs both on the test split and prints one line:
#
#   cap CAP/TLU: a2q ACC, widest BITS bits, LOOKUPS lookups, SECONDS s;
#     uniform N bits ACC | uniform fails
#
# It fails when the a2q program's accuracy is below MIN_ACCURACY, below the
# baseline's, or its proven widest value exceeds CAP. TLU 0 means the cap.
# The tools come from PATH (lit puts the build's first). Used by the
# end-to-end tests (test/e2e/pipeline-*.test) and bench/accuracy_vs_cap.sh.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
calibrated=$1 data=$2 cap=$3 tlu=$4 min=$5 work=$6
threshold=0.5
[ "$(basename "$data")" = breast_cancer_logreg ] && threshold=0

accuracy() {
  quant-run "$1" --data "$data/test_x.npy" --labels "$data/test_y.npy" \
    --threshold $threshold | sed -n 's/^accuracy: //p'
}

start=$(date +%s%N)
quant-opt "$calibrated" -o "$work.a2q.mlir" \
  --qfhe-pipeline="max-bit-width=$cap tlu-bit-width=$tlu calibration-data=$data/calib_x.npy report=$work.a2q.json"
seconds=$(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }")
a2q=$(accuracy "$work.a2q.mlir")
widest=$(grep -A1 '"widest"' "$work.a2q.json" | sed -n 's/.*"bits": \([0-9]*\).*/\1/p')
lookups=$(sed -n 's/.*"per_sample": \([0-9]*\).*/\1/p' "$work.a2q.json" | head -1)

if quant-opt "$calibrated" -o "$work.uniform.mlir" \
    --qfhe-pipeline="max-bit-width=$cap tlu-bit-width=$tlu strategy=uniform" \
    2> "$work.uniform.err"; then
  uniform=$(accuracy "$work.uniform.mlir")
  bits=$(sed -n 's/.*qfhe.default_bits = \([0-9]*\).*/\1/p' "$work.uniform.mlir" | head -1)
  baseline="$bits bits $uniform"
else
  uniform=fails
  baseline=fails
fi
echo "cap $cap/$([ "$tlu" = 0 ] && echo "$cap" || echo "$tlu"): a2q $a2q, widest $widest bits, $lookups lookups, $seconds s; uniform $baseline"

status=0
if [ "$widest" -gt "$cap" ]; then
  echo "error: widest value $widest bits exceeds the cap $cap" >&2; status=1
fi
if awk "BEGIN { exit !($a2q < $min) }"; then
  echo "error: accuracy $a2q is below the expected $min" >&2; status=1
fi
if [ "$uniform" != fails ] && awk "BEGIN { exit !($a2q < $uniform) }"; then
  echo "error: accuracy $a2q is below the baseline's $uniform" >&2; status=1
fi
exit $status
