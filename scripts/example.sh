#!/usr/bin/env bash
#===- example.sh - set up, build and run the main job on a shipped model -===#
#
# Runs scripts/setup.sh (Debian packages, configure, build), then the whole
# qfhe flow (examples/compile_model.sh) on the digits MLP of the model suite
# (test/models/digits_mlp_relu: 64-32-10, ReLU, trained on scikit-learn's
# digits): ONNX import, calibration, compilation under an 8-bit cap, and
# both programs run on the test split. It prints the float and integer
# accuracy and the per-layer summary of the compile (each ONNX node's input
# bits, parts, lookups, roundings and widest value; the bootstraps per
# sample and the widest value of the program).
#
# Usage: scripts/example.sh [MODEL_DIR [CAP [TLU]]]
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
exec "$ROOT/examples/compile_model.sh" "${1:-$ROOT/test/models/digits_mlp_relu}" \
  "${2:-8}" "${3:-0}"
