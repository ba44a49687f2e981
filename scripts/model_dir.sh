#===- model_dir.sh - what the scripts read from a model directory --------===#
#
# Sourced by examples/compile_model.sh, scripts/sweep.sh,
# scripts/cap_vs_baseline.sh and bench/accuracy_vs_cap.sh. A model
# directory holds model.onnx, calib_x.npy (calibration inputs), test_x.npy
# and test_y.npy (a labelled test split), and optionally info.json, like the
# models of test/models.
#
#===----------------------------------------------------------------------===#

# model_dir_check DIR: fails with the usage's file list when DIR is not a
# model directory.
model_dir_check() {
  local file
  for file in model.onnx calib_x.npy test_x.npy test_y.npy; do
    if [ ! -f "$1/$file" ]; then
      echo "error: $1/$file is missing (a model directory holds model.onnx, calib_x.npy, test_x.npy, test_y.npy)" >&2
      return 1
    fi
  done
}

# model_threshold DIR: the --threshold of quant-run for the model's
# predictions. One logit (a logistic regression, say) is class 1 above 0:
# info.json, as test/models/make_models.py writes it, says so; otherwise
# 0.5 (a probability). QFHE_THRESHOLD overrides.
model_threshold() {
  local threshold=0.5
  if tr -d ' \n' < "$1/info.json" 2>/dev/null | grep -q '"output_shape":\[1\]'; then
    threshold=0
  fi
  echo "${QFHE_THRESHOLD:-$threshold}"
}
