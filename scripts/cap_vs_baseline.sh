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
#     roundings, SECONDS s; uniform N bits ACC | uniform fails;
#     agreement with float: a2q AGREE, uniform AGREE | -;
#     cost: a2q COST, uniform COST | -
#
# (COST: the estimated FHE cost per sample in 8-bit bootstraps, quant-run
# summary,
# docs/cost.md.)
#
# It fails when the a2q program's accuracy is below MIN_ACCURACY, or its
# proven widest value exceeds CAP, or it trails the baseline's by more than
# one test sample while below the float program's and agreeing with the
# float program's predictions less often than the baseline does. (Where
# both reach the float accuracy they differ by a sample or two either way;
# a baseline that beats the float program does so by changing its
# predictions, i.e. by luck, and the agreement shows it.) TLU 0 means the
# cap.
# The tools come from PATH (lit puts the build's first). Used by the
# end-to-end tests (test/e2e/pipeline-*.test) and bench/accuracy_vs_cap.sh.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
calibrated=$1 data=$2 cap=$3 tlu=$4 min=$5 work=$6
source "$(dirname "${BASH_SOURCE[0]}")/model_dir.sh"
threshold=$(model_threshold "$data")

# Runs a program on the test split: "SAMPLES ACCURACY" against LABELS
# (default: the test labels); more quant-run options may follow.
run() {
  local program=$1 labels=${2:-$data/test_y.npy}
  shift $(($# < 2 ? $# : 2))
  quant-run "$program" --data "$data/test_x.npy" --labels "$labels" \
    --threshold $threshold "$@" |
    sed -n 's/^samples: //p; s/^accuracy: //p' | paste -sd' ' -
}
accuracy() { run "$@" | cut -d' ' -f2; }
# The fraction of test samples on which the float program predicts what a
# program predicted (CLASSES, from its --predictions): the same as that
# program's accuracy against the float program's predictions, without
# compiling the program a second time (its JIT compile can take longer than
# its run).
agreement() { accuracy "$calibrated" "$1"; }

start=$(date +%s%N)
quant-opt "$calibrated" -o "$work.a2q.mlir" \
  --qfhe-pipeline="max-bit-width=$cap tlu-bit-width=$tlu calibration-data=$data/calib_x.npy report=$work.a2q.json"
seconds=$(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }")
# The test split's size gives the one sample of slack against the baseline.
read -r samples a2q <<< "$(run "$work.a2q.mlir" "" --predictions "$work.a2q-classes.npy")"
float=$(accuracy "$calibrated")
a2q_agrees=$(agreement "$work.a2q-classes.npy")
source "$(dirname "${BASH_SOURCE[0]}")/report.sh"
widest=$(report_field "$work.a2q.json" widest bits)
lookups=$(report_field "$work.a2q.json" lookups per_sample)
roundings=$(report_field "$work.a2q.json" roundings per_sample)
cost() { quant-run summary "$1" | sed -n 's/.*, FHE cost \([0-9.]*\)$/\1/p'; }
a2q_cost=$(cost "$work.a2q.json")

if quant-opt "$calibrated" -o "$work.uniform.mlir" \
    --qfhe-pipeline="max-bit-width=$cap tlu-bit-width=$tlu strategy=uniform report=$work.uniform.json" \
    2> "$work.uniform.err"; then
  uniform=$(accuracy "$work.uniform.mlir" "" --predictions "$work.uniform-classes.npy")
  uniform_agrees=$(agreement "$work.uniform-classes.npy")
  bits=$(sed -n 's/.*qfhe.default_bits = \([0-9]*\).*/\1/p' "$work.uniform.mlir" | head -1)
  baseline="$bits bits $uniform"
  uniform_cost=$(cost "$work.uniform.json")
else
  uniform=fails
  baseline=fails
  uniform_agrees=-
  uniform_cost=-
fi
echo "cap $cap/$([ "$tlu" = 0 ] && echo "$cap" || echo "$tlu"): a2q $a2q, widest $widest bits, $lookups lookups, $roundings roundings, $seconds s; uniform $baseline; agreement with float: a2q $a2q_agrees, uniform $uniform_agrees; cost: a2q $a2q_cost, uniform $uniform_cost"

status=0
if [ "$widest" -gt "$cap" ]; then
  echo "error: widest value $widest bits exceeds the cap $cap" >&2; status=1
fi
if awk "BEGIN { exit !($a2q < $min) }"; then
  echo "error: accuracy $a2q is below the expected $min" >&2; status=1
fi
if [ "$uniform" != fails ] &&
   awk "BEGIN { exit !($a2q < $uniform - 1.0 / $samples - 1e-9 && $a2q < $float && $a2q_agrees < $uniform_agrees) }"; then
  echo "error: accuracy $a2q is below the baseline's $uniform, and it agrees with the float program less often ($a2q_agrees against $uniform_agrees)" >&2
  status=1
fi
exit $status
