#!/usr/bin/env bash
# Compiles one suite model at a cap, lowers it with --qfhe-to-linalg, checks
# that upstream mlir-opt (without the qfhe dialect) bufferizes the result
# with no other pass, and that running the lowered program gives the very
# predictions of the qfhe-level program.
#
# Usage: check_model.sh MODEL_DIR CAP WORK_DIR
set -euo pipefail
model=$1 cap=$2 work=$3
name=$(basename "$model")
mkdir -p "$work"
quant-translate --import-onnx "$model/model.onnx" -o "$work/$name.mlir"
quant-run calibrate "$work/$name.mlir" --data "$model/calib_x.npy" \
  -o "$work/$name.cal.mlir" 2> /dev/null
quant-opt "$work/$name.cal.mlir" --qfhe-pipeline="max-bit-width=$cap" \
  -o "$work/$name.int.mlir"
quant-opt "$work/$name.int.mlir" --qfhe-to-linalg -o "$work/$name.linalg.mlir"
mlir-opt "$work/$name.linalg.mlir" \
  --one-shot-bufferize="bufferize-function-boundaries" -o /dev/null
quant-run "$work/$name.int.mlir" --data "$model/test_x.npy" \
  -o "$work/$name.int.npy" > /dev/null
quant-run "$work/$name.linalg.mlir" --data "$model/test_x.npy" \
  -o "$work/$name.linalg.npy" > /dev/null
cmp "$work/$name.int.npy" "$work/$name.linalg.npy"
echo "$name: upstream bufferizes it; same outputs"
