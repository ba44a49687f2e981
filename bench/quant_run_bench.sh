#!/usr/bin/env bash
#===- quant_run_bench.sh - speed of quant-run on the 784-64-10 MLP --------===#
#
# Measures quant-run on the Fashion-MNIST MLP of the model suite
# (test/e2e/Inputs/fashion_mlp.mlir, 784-64-10 with ReLU, float32): the time
# to compile it, samples per second over 10,000 samples in batches (dynamic
# leading dimension) and one sample per call (leading dimension 1), and the
# ratio of the wall-clock time of a whole run on 10,000 samples to one on
# 100. Prints a Markdown report (bench/REPORT.md is one).
#
# Usage: bench/quant_run_bench.sh [BUILD_DIR]   (default: build/)
# Needs a built quant-run and /usr/bin/python3 with numpy, which tiles the
# 200 committed test images into the 10,000-sample input, in a temporary
# directory. Each measure is the best of $REPEATS runs (default 5).
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
QUANT_RUN=$BUILD/bin/quant-run
REPEATS=${REPEATS:-5}
MODEL=$ROOT/test/e2e/Inputs/fashion_mlp.mlir
[ -x "$QUANT_RUN" ] || { echo "no $QUANT_RUN: build quant-run first" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Inputs: the test images repeated up to 10,000 samples, and the first 100.
/usr/bin/python3 - "$ROOT/test/models/fashion_mlp/test_x.npy" "$TMP" <<'PY'
import sys
import numpy as np
x = np.load(sys.argv[1])
np.save(sys.argv[2] + "/x10000.npy", np.resize(x, (10000, x.shape[1])))
np.save(sys.argv[2] + "/x100.npy", x[:100])
PY
# The same program taking one sample per call.
sed -e 's/tensor<?x/tensor<1x/g' -e 's/tensor.empty(%n)/tensor.empty()/g' \
  "$MODEL" > "$TMP/fashion_mlp_1.mlir"

# best MODEL DATA FIELD: the smallest value of FIELD (a --report field, or
# `wall`, the seconds of the whole process) over the repeats.
best() {
  local model=$1 data=$2 field=$3 best="" value start end
  for _ in $(seq "$REPEATS"); do
    start=$(date +%s%N)
    "$QUANT_RUN" "$model" --data "$data" --report "$TMP/report.json" > /dev/null
    end=$(date +%s%N)
    if [ "$field" = wall ]; then
      value=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", (e - s) / 1e9 }')
    else
      value=$(sed -n "s/^ *\"$field\": \([0-9.e+-]*\),\{0,1\}$/\1/p" "$TMP/report.json")
    fi
    if [ -z "$best" ] || awk -v a="$value" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$value
    fi
  done
  echo "$best"
}

div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
fmt() { awk -v a="$1" -v d="$2" 'BEGIN { printf "%.*f", d, a }'; }

compile=$(best "$MODEL" "$TMP/x100.npy" compile_seconds)
declare -A run wall rate
for mode in batched single; do
  model=$MODEL
  [ "$mode" = single ] && model=$TMP/fashion_mlp_1.mlir
  for n in 100 10000; do
    run[$mode$n]=$(best "$model" "$TMP/x$n.npy" seconds)
    wall[$mode$n]=$(best "$model" "$TMP/x$n.npy" wall)
    rate[$mode$n]=$(awk -v n="$n" -v s="${run[$mode$n]}" 'BEGIN { printf "%.0f", n / s }')
  done
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cat <<REPORT
# quant-run benchmark: the 784-64-10 MLP

\`bench/quant_run_bench.sh\` on $(date -u +%Y-%m-%d), commit
$(git -C "$ROOT" rev-parse --short HEAD), $cpu ($(nproc) cores), best of
$REPEATS runs each. Model: \`test/e2e/Inputs/fashion_mlp.mlir\` (float32,
x/255 -> Linear(784,64) -> ReLU -> Linear(64,10): 784 x 64 + 64 x 10 = 50,816
multiply-adds per sample); data: the 200 test images of
\`test/models/fashion_mlp\` tiled to 10,000 samples (uint8, converted to
float32 exactly).

Compile time (lowering with \`qfhe-lower-to-llvm\` and JIT compilation at
O3, once per run): **$(fmt "$compile" 3) s**.

| mode | samples | run seconds | samples/s | whole process, seconds |
| --- | ---: | ---: | ---: | ---: |
| batches of 256 (\`tensor<?x784xf32>\`) | 100 | $(fmt "${run[batched100]}" 5) | ${rate[batched100]} | $(fmt "${wall[batched100]}" 3) |
| batches of 256 (\`tensor<?x784xf32>\`) | 10,000 | $(fmt "${run[batched10000]}" 5) | ${rate[batched10000]} | $(fmt "${wall[batched10000]}" 3) |
| one sample per call (\`tensor<1x784xf32>\`) | 100 | $(fmt "${run[single100]}" 5) | ${rate[single100]} | $(fmt "${wall[single100]}" 3) |
| one sample per call (\`tensor<1x784xf32>\`) | 10,000 | $(fmt "${run[single10000]}" 5) | ${rate[single10000]} | $(fmt "${wall[single10000]}" 3) |

Run seconds are the sample loop alone (\`seconds\` of \`--report\`); the whole
process includes starting, parsing, reading the data and compiling.

The cost of a sample is the model's arithmetic: at ${rate[batched10000]} samples/s
the matmul loops do $(awk -v r="${rate[batched10000]}" 'BEGIN { printf "%.1f", r * 50816 / 1e9 }') billion multiply-adds per second (vectorized,
a multiply then an add, no fused multiply-add), and one call per sample,
with its descriptors, result copy and free, reaches $(awk -v a="${rate[single10000]}" -v b="${rate[batched10000]}" 'BEGIN { printf "%.0f", 100 * a / b }')% of the rate of
batches of 256.

| time of 10,000 samples / time of 100 | batches | one sample per call |
| --- | ---: | ---: |
| whole process | $(div "${wall[batched10000]}" "${wall[batched100]}")x | $(div "${wall[single10000]}" "${wall[single100]}")x |
| sample loop alone | $(div "${run[batched10000]}" "${run[batched100]}")x | $(div "${run[single10000]}" "${run[single100]}")x |

The whole process stays far below 100x: compiling and everything else paid
once per run dominates 100 samples. The sample loop alone is linear in the
samples: its cost per sample does not grow with their number.
REPORT
