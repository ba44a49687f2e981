#!/usr/bin/env bash
#===- twin_accuracy.sh - a front end's program against its twin ----------===#
#
# Usage: twin_accuracy.sh TWIN.mlir PROGRAM.mlir MODEL_DIR CAP WORK
#
# TWIN and PROGRAM compute the same model (the ONNX import, and the same
# weights as another front end writes them: TOSA, torch-mlir's linalg).
# Each is calibrated on MODEL_DIR/calib_x.npy (quant-run calibrate
# normalizes it first), compiled with the qfhe pipeline under CAP
# (allocation measured on the calibration data) and run on the test split.
# It prints
#
#   twin ACC, program ACC, widest BITS bits
#
# and fails when the program's accuracy is more than one point (0.01) below
# the twin's, or its proven widest value exceeds CAP. The tools come from
# PATH (lit puts the build's first).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
twin=$1 program=$2 data=$3 cap=$4 work=$5
source "$(dirname "${BASH_SOURCE[0]}")/report.sh"

# Calibrates, compiles and runs one program: prints its accuracy.
compile_and_run() {
  local source=$1 name=$2
  quant-run calibrate "$source" --data "$data/calib_x.npy" -o "$work.$name.cal.mlir" > /dev/null
  quant-opt "$work.$name.cal.mlir" -o "$work.$name.int.mlir" \
    --qfhe-pipeline="max-bit-width=$cap calibration-data=$data/calib_x.npy report=$work.$name.json"
  quant-run "$work.$name.int.mlir" --data "$data/test_x.npy" \
    --labels "$data/test_y.npy" | sed -n 's/^accuracy: //p'
}
twin_accuracy=$(compile_and_run "$twin" twin)
accuracy=$(compile_and_run "$program" program)
widest=$(report_field "$work.program.json" widest bits)
echo "twin $twin_accuracy, program $accuracy, widest $widest bits"
if [ "$widest" -gt "$cap" ]; then
  echo "error: the widest value ($widest bits) exceeds the cap $cap" >&2
  exit 1
fi
if awk "BEGIN { exit !($accuracy < $twin_accuracy - 0.01) }"; then
  echo "error: accuracy $accuracy is more than one point below the twin's $twin_accuracy" >&2
  exit 1
fi
