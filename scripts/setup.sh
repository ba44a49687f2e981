#!/usr/bin/env bash
#===- setup.sh - install dependencies, configure and build qfhe ----------===#
#
# Installs the Debian packages qfhe needs (only those missing), configures a
# Ninja build in build/ (or $QFHE_BUILD_DIR) with clang 22 against the
# LLVM/MLIR 22 packages, and builds everything. Safe to run again: it only
# redoes what is out of date.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QFHE_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/install-packages.sh"

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "== configuring $BUILD"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DQFHE_WERROR="${QFHE_WERROR:-OFF}"
fi
echo "== building"
cmake --build "$BUILD"
