#!/usr/bin/env bash
#===- fuzz.sh - run the libFuzzer targets for a bounded time -------------===#
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]
#
# Runs each fuzz target (default: mlir npy onnx, the executables
# qfhe-fuzz-TARGET of a build configured with -DQFHE_FUZZ=ON:
# $QFHE_FUZZ_BUILD_DIR, default build-sanitized) for SECONDS (default 60)
# from its seed corpus, and fails on the first crash, leak, timeout, memory
# blow-up or sanitizer report. Prints the executions of each target. The
# input at fault is kept in BUILD/fuzz/runs/TARGET/ (crash-*, leak-*,
# timeout-*, oom-*); the new inputs the run found in
# BUILD/fuzz/runs/TARGET/corpus. Replay one with
# `BUILD/bin/qfhe-fuzz-TARGET FILE`.
#
# The mutations are seeded (FUZZ_SEED, default 1) so that CI explores the
# same inputs on every run and a landing fails only for what it changed;
# FUZZ_SEED=0 lets libFuzzer pick a seed, for longer campaigns that look
# further (docs/development.md).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${QFHE_FUZZ_BUILD_DIR:-$ROOT/build-sanitized}
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(mlir npy onnx); fi

status=0
for target in "${targets[@]}"; do
  binary=$BUILD/bin/qfhe-fuzz-$target
  seeds=$BUILD/fuzz/seeds/qfhe-fuzz-$target
  work=$BUILD/fuzz/runs/$target
  if [ ! -x "$binary" ]; then
    echo "error: $binary is missing: configure $BUILD with -DQFHE_FUZZ=ON" >&2
    exit 1
  fi
  rm -rf "$work"
  mkdir -p "$work/corpus"
  # A dictionary of the format's tokens, where there is one (fuzz/*.dict).
  options=(-seed="${FUZZ_SEED:-1}")
  if [ -f "$ROOT/fuzz/$target.dict" ]; then
    options+=(-dict="$ROOT/fuzz/$target.dict")
  fi
  echo "== fuzzing $target for $seconds s"
  # A single input may take seconds (a pipeline on a large seed); more than
  # 25 s or 4 GB is a finding.
  if "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$work/" "${options[@]}" \
      "$work/corpus" "$seeds" > "$work/log" 2>&1; then
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    echo "$target: ${executions:-?} executions in $seconds s, no finding"
  else
    echo "$target: FINDING (log: $work/log)"
    tail -n 60 "$work/log"
    for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -e "$artifact" ] && echo "replay: $binary $artifact"
    done
    status=1
  fi
done
exit $status
