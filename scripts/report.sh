#===- report.sh - read qfhe-verify-bitwidth's JSON report -----------------===#
#
# Sourced by examples/compile_model.sh and scripts/cap_vs_baseline.sh.
# Without jq or python on a bare machine: the report is pretty-printed JSON
# (one key per line), read by its structure.
#
#===----------------------------------------------------------------------===#

# report_section FILE NAME: the lines of the report's object "NAME".
report_section() {
  awk -v name="\"$2\": {" 'index($0, name) { on = 1 } on { print;
    depth += gsub(/{/, "{"); depth -= gsub(/}/, "}"); if (depth == 0) exit }' \
    "$1"
}

# report_field FILE NAME KEY: a scalar KEY of the object "NAME".
report_field() {
  report_section "$1" "$2" | sed -n "s/.*\"$3\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" |
    head -1
}

# report_search FILE: "N candidates measured on S samples" when the
# allocation measured its candidates.
report_search() {
  local text candidates samples
  text=$(report_section "$1" search)
  candidates=$(echo "$text" | sed -n 's/.*"candidates": \([0-9]*\).*/\1/p')
  samples=$(echo "$text" | sed -n 's/.*"samples": \([0-9]*\).*/\1/p')
  [ -n "$candidates" ] && echo "$candidates candidates measured on $samples calibration samples"
}
