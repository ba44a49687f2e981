#!/usr/bin/env bash
#===- test.sh - set up, build and run every qfhe test --------------------===#
#
# Runs scripts/setup.sh, then all tests through ctest: the lit suites (one
# ctest test per file) and the GoogleTest unit tests (one per case).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QFHE_BUILD_DIR:-$ROOT/build}
"$ROOT/scripts/setup.sh"
echo "== testing"
cd "$BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
