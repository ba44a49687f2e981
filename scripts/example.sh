#!/usr/bin/env bash
#===- example.sh - set up, build and run the shipped example -------------===#
#
# Runs scripts/setup.sh, then compiles examples/quantized_relu.mlir with
# quant-opt down to LLVM and runs it with mlir-runner.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QFHE_BUILD_DIR:-$ROOT/build}
LLVM=/usr/lib/llvm-22
"$ROOT/scripts/setup.sh"
echo "== quant-opt examples/quantized_relu.mlir --qfhe-lower-to-llvm | mlir-runner"
"$BUILD/bin/quant-opt" "$ROOT/examples/quantized_relu.mlir" --qfhe-lower-to-llvm |
  "$LLVM/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$LLVM/lib/libmlir_runner_utils.so,$LLVM/lib/libmlir_c_runner_utils.so"
