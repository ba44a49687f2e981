#!/usr/bin/env bash
#===- accuracy_vs_cap.sh - accuracy of every model under every cap -------===#
#
# For each model of test/models and each bit-width cap, compiles the model
# with the qfhe pipeline (strategy a2q, measured on the calibration set) and
# with the classic baseline (strategy uniform), runs both integer programs
# with quant-run on the test split, and prints a Markdown table: accuracy,
# widest encrypted value, lookups per sample, compile seconds.
#
# Usage: bench/accuracy_vs_cap.sh [build-dir] > bench/ACCURACY.md
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MODELS=${MODELS:-"digits_mlp_relu digits_mlp_tanh digits_mlp_sigmoid digits_cnn fashion_mlp breast_cancer_logreg"}
CAPS=${CAPS:-"6 7 8 10 12 16 16/8"}

# Reads a number out of a JSON file: json FILE KEY.
json() { grep -o "\"$2\": *[-0-9.e]*" "$1" | head -1 | sed 's/.*: *//'; }

echo "| model | float | cap | tlu | a2q accuracy | a2q widest | a2q lookups | a2q compile s | uniform accuracy | uniform bits |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for model in $MODELS; do
  data=$ROOT/test/models/$model
  threshold=0.5
  [ "$model" = breast_cancer_logreg ] && threshold=0
  "$BIN/quant-translate" --import-onnx "$data/model.onnx" -o "$WORK/$model.mlir"
  "$BIN/quant-run" calibrate "$WORK/$model.mlir" --data "$data/calib_x.npy" \
    -o "$WORK/$model.cal.mlir"
  float=$("$BIN/quant-run" "$WORK/$model.mlir" --data "$data/test_x.npy" \
    --labels "$data/test_y.npy" --threshold $threshold | sed -n 's/accuracy: //p')
  for cap in $CAPS; do
    max=${cap%/*}
    tlu=0
    [ "$cap" != "$max" ] && tlu=${cap#*/}
    row="| $model | $float | $max | $([ $tlu = 0 ] && echo $max || echo $tlu) |"
    for strategy in a2q uniform; do
      out=$WORK/$model.$strategy.mlir
      report=$WORK/$model.$strategy.json
      extra=""
      [ $strategy = a2q ] && extra="calibration-data=$data/calib_x.npy"
      start=$(date +%s.%N)
      if "$BIN/quant-opt" "$WORK/$model.cal.mlir" -o "$out" \
          --qfhe-pipeline="max-bit-width=$max tlu-bit-width=$tlu strategy=$strategy $extra report=$report" \
          2> "$WORK/err.txt"; then
        seconds=$(echo "$(date +%s.%N) - $start" | bc)
        accuracy=$("$BIN/quant-run" "$out" --data "$data/test_x.npy" \
          --labels "$data/test_y.npy" --threshold $threshold | sed -n 's/accuracy: //p')
        widest=$(grep -A1 '"widest"' "$report" | grep -o '"bits": [0-9]*' | head -1 | sed 's/.*: //')
        lookups=$(json "$report" per_sample)
        if [ $strategy = a2q ]; then
          row="$row $accuracy | ${widest:-0} | ${lookups:-0} | $(printf %.1f "$seconds") |"
        else
          bits=$(grep -o 'qfhe.default_bits = [0-9]*' "$out" | head -1 | sed 's/.*= //')
          row="$row $accuracy | ${bits:-?} |"
        fi
      else
        reason=$(grep -m1 -o "error: .*" "$WORK/err.txt" | cut -c8-90)
        if [ $strategy = a2q ]; then row="$row fails: $reason | | | |"; else row="$row fails | |"; fi
      fi
    done
    echo "$row"
  done
done
