#!/usr/bin/env bash
#===- compile_model.sh - the whole qfhe flow on one ONNX model -----------===#
#
# Usage: examples/compile_model.sh MODEL_DIR [CAP [TLU]] [-- PIPELINE-OPTIONS]
#
# MODEL_DIR holds model.onnx, calib_x.npy (calibration inputs), test_x.npy
# and test_y.npy (a labelled test split), like the models of test/models.
# The flow:
#   1. quant-translate --import-onnx: the float program (MLIR on tensors);
#   2. quant-run calibrate: the ranges its values take on calib_x.npy;
#   3. quant-opt --qfhe-pipeline: the integer-only program whose encrypted
#      values are proven to fit CAP bits (lookups of at most TLU bits),
#      bits allocated by measuring candidates on calib_x.npy;
#   4. quant-run: both programs on the test split.
# It prints the float and integer accuracy, then the per-layer summary of
# the compile (quant-run summary): for each layer, named by its ONNX node,
# the bits of its inputs, the parts its dot products are split into, its
# lookups and roundings and its widest value; the bootstraps per sample and
# the widest value of the program. The programs (with their locations) and
# reports stay in
# $QFHE_WORK_DIR (default: build/example/<model>). Tools come from
# $QFHE_BUILD_DIR/bin (default: build/bin).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${QFHE_BUILD_DIR:-$ROOT/build}/bin
if [ $# -lt 1 ] || [ ! -f "$1/model.onnx" ]; then
  echo "usage: $0 MODEL_DIR [CAP [TLU]] (MODEL_DIR/model.onnx, calib_x.npy, test_x.npy, test_y.npy)" >&2
  exit 2
fi
DATA=$(cd "$1" && pwd)
CAP=${2:-8}
TLU=${3:-0}
MODEL=$(basename "$DATA")
WORK=${QFHE_WORK_DIR:-$ROOT/build/example/$MODEL}
mkdir -p "$WORK"
source "$ROOT/scripts/model_dir.sh"
model_dir_check "$DATA"
THRESHOLD=$(model_threshold "$DATA")

step() { echo "== $*"; }
step "1. import: quant-translate --import-onnx $DATA/model.onnx"
"$BIN/quant-translate" --import-onnx "$DATA/model.onnx" -o "$WORK/float.mlir"
step "2. calibrate: quant-run calibrate on $DATA/calib_x.npy"
"$BIN/quant-run" calibrate "$WORK/float.mlir" --data "$DATA/calib_x.npy" \
  -o "$WORK/calibrated.mlir" | sed 's/^/   /'
OPTIONS="max-bit-width=$CAP tlu-bit-width=$TLU calibration-data=$DATA/calib_x.npy report=$WORK/report.json"
step "3. compile: quant-opt --mlir-print-debuginfo --qfhe-pipeline=\"$OPTIONS\""
start=$(date +%s%N)
"$BIN/quant-opt" "$WORK/calibrated.mlir" -o "$WORK/integer.mlir" \
  --mlir-print-debuginfo --qfhe-pipeline="$OPTIONS"
echo "   $(awk "BEGIN { printf \"%.1f\", ($(date +%s%N) - $start) / 1e9 }") s"
step "4. run both programs on $DATA/test_x.npy"
run() {
  "$BIN/quant-run" "$1" --data "$DATA/test_x.npy" --labels "$DATA/test_y.npy" \
    --threshold $THRESHOLD --report "$2" | sed -n 's/^accuracy: //p'
}
float=$(run "$WORK/float.mlir" "$WORK/float-run.json")
integer=$(run "$WORK/integer.mlir" "$WORK/integer-run.json")

echo
echo "$MODEL, max-bit-width $CAP$([ "$TLU" != 0 ] && echo ", lookups of at most $TLU bits"):"
echo "  float accuracy:   $float"
echo "  integer accuracy: $integer"
# What the allocation measured, from the verifier's report (docs/pipeline.md).
source "$ROOT/scripts/report.sh"
# The per-layer summary, and what the bootstraps cost (docs/cost.md).
summary=$("$BIN/quant-run" summary "$WORK/report.json")
echo "  FHE cost:         $(echo "$summary" | sed -n 's/.*, FHE cost \([0-9.]*\)$/\1/p') per sample, in 8-bit bootstraps"
search=$(report_search "$WORK/report.json")
[ -n "$search" ] && echo "  search:           $search"
echo "$summary"
echo "  programs and reports in $WORK"
