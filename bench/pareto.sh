#!/usr/bin/env bash
#===- pareto.sh - accuracy against estimated FHE cost, per model ----------===#
#
# For each model of test/models, compiles it under every cap three ways
# with scripts/sweep.sh (the allocation measured on the model's calibration
# data): the qfhe pipeline as it is by default, the same with max-chunks=1
# (no dot product split, so no chunk roundings), and the classic uniform
# baseline (strategy=uniform, outputs decrypted at the cap's width). Each
# program runs on the test split; its estimated FHE cost per sample comes
# from the verifier's report priced by quant-run summary (docs/cost.md).
# bench/pareto.py marks each model's Pareto front (no other program at
# least as accurate for at most its cost), prints the Markdown report and
# draws the plot: one panel per model, accuracy against log cost.
#
# Usage: bench/pareto.sh [BUILD_DIR] > bench/PARETO.md   (default: build/)
#
# MODELS and CAPS (N, or N/TLU for lookups of at most TLU bits) select a
# subset; JOBS sweeps run at once (default 2); PLOT is the PNG written
# (default bench/pareto.png); PYTHON needs matplotlib (default
# /usr/bin/python3); KEEP=DIR keeps every sweep (programs, reports,
# sweep.csv) in DIR instead of a temporary directory, and a rerun with the
# same DIR (and CAPS) reuses the sweeps that finished. Needs the built quant-translate, quant-opt and
# quant-run.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
MODELS=${MODELS:-"digits_mlp_relu digits_mlp_tanh digits_mlp_deep digits_cnn fashion_mlp breast_cancer_logreg breast_cancer_sklearn wine_mlp_tanh"}
CAPS=${CAPS:-"4 5 6 7 8 9/8 10/8 16/8"}
JOBS=${JOBS:-2}
PLOT=${PLOT:-$ROOT/bench/pareto.png}
PYTHON=${PYTHON:-/usr/bin/python3}
for tool in quant-translate quant-opt quant-run; do
  [ -x "$BUILD/bin/$tool" ] || { echo "no $BUILD/bin/$tool: build it first" >&2; exit 1; }
done
"$PYTHON" -c 'import matplotlib' 2> /dev/null ||
  { echo "$PYTHON has no matplotlib (apt-get install python3-matplotlib)" >&2; exit 1; }

if [ -n "${KEEP:-}" ]; then
  mkdir -p "$KEEP"
  WORK=$(cd "$KEEP" && pwd)
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
start=$(date +%s)

# One sweep per model and program kind: "MODEL KIND PIPELINE-OPTIONS".
for model in $MODELS; do
  echo "$model qfhe"
  echo "$model qfhe-1 max-chunks=1"
  echo "$model uniform strategy=uniform"
done > "$WORK/sweeps.txt"
reused=0
while read -r model kind _; do
  [ -f "$WORK/$model/$kind/sweep.md" ] && reused=$((reused + 1))
done < "$WORK/sweeps.txt"
export ROOT BUILD WORK CAPS
# Sweeps run JOBS at a time; each logs to WORK/MODEL/KIND.log.
# shellcheck disable=SC2016
# A sweep already finished in WORK (KEEP) is reused: sweep.sh writes
# sweep.md last.
xargs -P "$JOBS" -L 1 bash -c '
  [ -f "$WORK/$0/$1/sweep.md" ] && exit 0
  mkdir -p "$WORK/$0"
  QFHE_BUILD_DIR=$BUILD QFHE_PIPELINE_OPTIONS="${2:-}" \
    "$ROOT/scripts/sweep.sh" --no-plot "$ROOT/test/models/$0" "$WORK/$0/$1" \
    $CAPS > "$WORK/$0/$1.log" 2>&1 ||
    { echo "error: the $1 sweep of $0 failed:" >&2; tail -5 "$WORK/$0/$1.log" >&2; exit 255; }
' < "$WORK/sweeps.txt"

commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cat <<EOF
# Accuracy against estimated FHE cost

Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $commit on $(uname -n)
($cpu, $(nproc) cores, shared), with

\`\`\`sh
bench/pareto.sh > bench/PARETO.md   # MODELS="$MODELS" CAPS="$CAPS"
\`\`\`

Every model is compiled under each cap (\`N/T\`: lookups of at most \`T\`
bits, wider accumulators rounded first) three ways, with the model's
calibration data: **qfhe** (the pipeline's defaults), **qfhe
max-chunks=1** (dot products never split: no chunk roundings) and the
**uniform baseline** (\`strategy=uniform\`: one width for every value,
outputs decrypted at the cap's width). \`accuracy\` is on the committed
test split; \`cost\` is the estimated FHE cost per sample in 8-bit
programmable bootstraps (the verifier's report priced by \`quant-run
summary\`, [docs/cost.md](../docs/cost.md): each lookup and each rounding one
bootstrap priced by its input's precision); \`bootstraps\` is lookups plus
roundings per sample. A program is on the **front** when no other
program of its model is at least as accurate for at most its cost (and
better in one). The plot draws each model's
programs and front; the default cap-8 program is circled in red.

![accuracy against estimated FHE cost]($(basename "$PLOT"))

EOF
# shellcheck disable=SC2086 # MODELS is a list of names
"$PYTHON" "$ROOT/bench/pareto.py" "$WORK" "$PLOT" $MODELS
echo
sweeps=$(wc -l < "$WORK/sweeps.txt")
echo "The $sweeps sweeps took $(($(date +%s) - start)) s with JOBS=$JOBS$(
  [ $reused = 0 ] || echo " ($reused of them reused from an earlier run, KEEP)")."
