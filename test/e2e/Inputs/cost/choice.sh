#!/usr/bin/env bash
#===- choice.sh - the measured search's cost choice on one model ----------===#
#
# Usage: choice.sh CALIBRATED.mlir MODEL_DIR WORK
#
# Compiles the model at cap 8 with its calibration data three ways and
# prints one line per property of the choice (docs/pipeline.md, "Cheapest
# within a tolerance"), each ending in "ok" or "FAILED":
#  - cost-tolerance=-1 keeps the most faithful program;
#  - cost-tolerance=1 keeps the cheapest within the tolerance: at most
#    two thirds of the most faithful one's cost, its divergence at most
#    twice and its agreement at most 0.005 below the most faithful one's
#    (the search summary), the most faithful being the one
#    cost-tolerance=-1 keeps, and the costs the search recorded those
#    quant-run summary prices from the reports;
#  - max-cost at half the most faithful one's cost is met by the program
#    emitted.
# The tools come from PATH (lit puts the build's first).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
calibrated=$1 data=$2 work=$3

compile() {
  quant-opt "$calibrated" -o "$work.$1.mlir" --qfhe-pipeline="max-bit-width=8 \
calibration-data=$data/calib_x.npy report=$work.$1.json $2"
}
# The estimated FHE cost per sample of a compiled program, from its report.
priced() { quant-run summary "$work.$1.json" | sed -n 's/.*FHE cost //p'; }
# A number of the search summary of a compiled program.
searched() {
  grep -o "[{ ]$2 = [-+0-9.eE]*" "$work.$1.mlir" | head -1 | sed 's/.* = //'
}
# Prints "WHAT: A OP B ok" when the awk comparison holds, else FAILED.
check() {
  local what=$1 a=$2 op=$3 b=$4
  if awk "BEGIN { exit !($a $op $b) }"; then
    echo "$what: $a $op $b ok"
  else
    echo "$what: $a $op $b FAILED"
  fi
}

compile faithful "cost-tolerance=-1"
compile chosen "cost-tolerance=1"
faithful=$(priced faithful) chosen=$(priced chosen)
check "most faithful as cost-tolerance=-1 keeps it" \
  "$(searched chosen most_faithful_cost)" "==" "$faithful"
check "recorded cost is the report's" "$(searched chosen cost)" "==" "$chosen"
check "chosen saves a third" "1.5 * $chosen" "<=" "$faithful"
check "divergence within the tolerance" "$(searched chosen divergence)" "<=" \
  "2 * $(searched chosen most_faithful_divergence) * (1 + 1e-9)"
check "agreement within the tolerance" "$(searched chosen agreement)" ">=" \
  "$(searched chosen most_faithful_agreement) - 0.005 - 1e-9"

budget=$(awk "BEGIN { print $faithful / 2 }")
compile budget "max-cost=$budget"
check "budget met" "$(priced budget)" "<=" "$budget"
