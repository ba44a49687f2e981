#===- model.sh - facts about a model directory of test/models ------------===#
#
# Sourced by examples/compile_model.sh, scripts/cap_vs_baseline.sh and
# bench/accuracy_vs_cap.sh.
#
#===----------------------------------------------------------------------===#

# model_threshold DIR: quant-run's --threshold for the model in DIR. One
# logit (a logistic regression, say) means class 1 above 0, which
# info.json, as test/models/make_models.py writes it, says with
# "output_shape": [1]; otherwise 0.5 (argmax over several logits).
# QFHE_THRESHOLD overrides.
model_threshold() {
  local threshold=0.5
  if tr -d ' \n' < "$1/info.json" 2>/dev/null | grep -q '"output_shape":\[1\]'; then
    threshold=0
  fi
  echo "${QFHE_THRESHOLD:-$threshold}"
}
