#!/usr/bin/env bash
#===- cap_vs_baseline.sh - one model under one cap, against the baseline --===#
#
# Usage: cap_vs_baseline.sh CALIBRATED.mlir MODEL_DIR CAP TLU MIN_ACCURACY WORK
#
# Compiles the calibrated float model with the qfhe pipeline (strategy a2q,
# measured on MODEL_DIR/calib_x.npy) and with the classic baseline
# (strategy uniform), runs both on the test split and prints one line:
#
#   cap CAP/TLU: a2q ACC, widest BITS bits, LOOKUPS lookups, ROUNDINGS
#     roundings, SECONDS s; uniform N bits ACC | uniform fails
#
# It fails when the a2q program's accuracy is below MIN_ACCURACY, or its
# proven widest value exceeds CAP, or it trails the baseline's by more than
# one test sample while more than half a point below the float program's
# (where both reach the float accuracy, within the half point the issue
# calls "within float", they differ by a sample or two either way: a
# quantized program that beats the float one got lucky). TLU 0 means the
# cap.
# The tools come from PATH (lit puts the build's first). Used by the
# end-to-end tests (test/e2e/pipeline-*.test) and bench/accuracy_vs_cap.sh.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
calibrated=$1 data=$2 cap=$3 tlu=$4 min=$5 work=$6
threshold=0.5
[ "$(basename "$data")" = breast_cancer_logreg ] && threshold=0

# Runs a program on the test split: "SAMPLES ACCURACY".
run() {
  quant-run "$1" --data "$data/test_x.npy" --labels "$data/test_y.npy" \
    --threshold $threshold |
    sed -n 's/^samples: //p; s/^accuracy: //p' | paste -sd' ' -
}
accuracy() { run "$1" | cut -d' ' -f2; }

start=$(date +%s%N)
quant-opt "$calibrated" -o "$work.a2q.mlir" \
  --qfhe-pipeline="max-bit-width=$cap tlu-bit-width=$tlu calibration-data=$data/calib_x.npy report=$work.a2q.json"
seconds=$(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }")
# The test split's size gives the one sample of slack against the baseline.
read -r samples a2q <<< "$(run "$work.a2q.mlir")"
source "$(dirname "${BASH_SOURCE[0]}")/report.sh"
widest=$(report_field "$work.a2q.json" widest bits)
lookups=$(report_field "$work.a2q.json" lookups per_sample)
roundings=$(report_field "$work.a2q.json" roundings per_sample)

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
echo "cap $cap/$([ "$tlu" = 0 ] && echo "$cap" || echo "$tlu"): a2q $a2q, widest $widest bits, $lookups lookups, $roundings roundings, $seconds s; uniform $baseline"

status=0
if [ "$widest" -gt "$cap" ]; then
  echo "error: widest value $widest bits exceeds the cap $cap" >&2; status=1
fi
if awk "BEGIN { exit !($a2q < $min) }"; then
  echo "error: accuracy $a2q is below the expected $min" >&2; status=1
fi
float=$(accuracy "$calibrated")
if [ "$uniform" != fails ] &&
   awk "BEGIN { exit !($a2q < $uniform - 1.0 / $samples - 1e-9 && $a2q < $float - 0.005) }"; then
  echo "error: accuracy $a2q is below the baseline's $uniform" >&2; status=1
fi
exit $status
