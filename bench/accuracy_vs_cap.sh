#!/usr/bin/env bash
#===- accuracy_vs_cap.sh - accuracy of every model under every cap -------===#
#
# For each model of test/models and each bit-width cap, compiles the model
# with the qfhe pipeline (strategy a2q, measured on the calibration set) and
# with the classic baseline (strategy uniform), runs both integer programs
# with quant-run on the test split (scripts/cap_vs_baseline.sh) and prints
# a Markdown table: accuracy, widest encrypted value, lookups per sample,
# compile seconds, how often each program predicts what the float
# program predicts (agreement), and each program's estimated FHE cost per
# sample in 8-bit bootstraps (quant-run summary, docs/cost.md).
#
# Usage: bench/accuracy_vs_cap.sh [build-dir] > bench/ACCURACY.md
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
export PATH=$BUILD/bin:$PATH
source "$ROOT/scripts/model_dir.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MODELS=${MODELS:-"digits_mlp_relu digits_mlp_tanh digits_mlp_sigmoid digits_cnn fashion_mlp breast_cancer_logreg"}
CAPS=${CAPS:-"6 7 8 10 12 16 16/8"}

echo "| model | float | cap | tlu | a2q accuracy | a2q widest | a2q lookups | a2q roundings | a2q compile s | uniform bits | uniform accuracy | a2q agreement | uniform agreement | a2q cost | uniform cost |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for model in $MODELS; do
  data=$ROOT/test/models/$model
  threshold=$(model_threshold "$data")
  quant-translate --import-onnx "$data/model.onnx" -o "$WORK/$model.mlir"
  quant-run calibrate "$WORK/$model.mlir" --data "$data/calib_x.npy" \
    -o "$WORK/$model.cal.mlir" > /dev/null
  float=$(quant-run "$WORK/$model.mlir" --data "$data/test_x.npy" \
    --labels "$data/test_y.npy" --threshold $threshold | sed -n 's/^accuracy: //p')
  for cap in $CAPS; do
    max=${cap%/*}
    tlu=0
    [ "$cap" != "$max" ] && tlu=${cap#*/}
    line=$("$ROOT/scripts/cap_vs_baseline.sh" "$WORK/$model.cal.mlir" "$data" \
      "$max" "$tlu" 0 "$WORK/$model" 2> "$WORK/err.txt" || true)
    if [ -z "$line" ]; then
      reason=$(grep -m1 -o "error: .*" "$WORK/err.txt" | cut -c8-90 || true)
      echo "| $model | $float | $max | ${tlu/#0/$max} | fails: $reason | | | | | | | | | | |"
      continue
    fi
    # cap M/T: a2q A, widest W bits, L lookups, R roundings, S s; uniform ...;
    # agreement with float: a2q X, uniform Y; cost: a2q C, uniform D
    pattern='^cap ([0-9]+)/([0-9]+): a2q ([0-9.]+), widest ([0-9]+) bits, ([0-9]+) lookups, ([0-9]+) roundings, ([0-9.]+) s; uniform (.*); agreement with float: a2q ([0-9.]+), uniform ([0-9.]+|-); cost: a2q ([0-9.]+), uniform ([0-9.]+|-)$'
    [[ $line =~ $pattern ]] || { echo "unexpected: $line" >&2; exit 1; }
    r=("${BASH_REMATCH[@]}")
    uniform="| fails |"
    [ "${r[8]}" != fails ] && uniform="| ${r[8]% bits *} | ${r[8]#* bits }"
    echo "| $model | $float | ${r[1]} | ${r[2]} | ${r[3]} | ${r[4]} | ${r[5]} | ${r[6]} | ${r[7]} $uniform | ${r[9]} | ${r[10]/#-/} | ${r[11]} | ${r[12]/#-/} |"
  done
done
