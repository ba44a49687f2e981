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

# report_count FILE NAME: "N per sample (n on b-bit inputs, ...)" for
# NAME lookups or roundings.
report_count() {
  local text total by_width
  text=$(report_section "$1" "$2")
  total=$(echo "$text" | sed -n 's/.*"per_sample": \([0-9]*\).*/\1/p')
  by_width=$(echo "$text" | sed -n '/"per_sample_by_input_bits"/,/}/p' |
    sed -n 's/ *"\([0-9]*\)": \([0-9]*\).*/\2 on \1-bit inputs/p' |
    paste -sd, - | sed 's/,/, /g')
  echo "${total:-0} per sample${by_width:+ ($by_width)}"
}

# report_allocation FILE: "OP: n-bit inputs[, c parts][, range x f]; ..."
# for the layers of the report's "allocation" (qfhe-allocate-bits' choice).
report_allocation() {
  report_section "$1" allocation | awk '
    function value(line) { sub(/^[^:]*: */, "", line); gsub(/[",]/, "", line); return line }
    /"layers": \[/ { layers = 1; next }
    layers && /^ *\]/ { layers = 0 }
    layers && /"op":/ { op = value($0) }
    layers && /"input_bits":/ { bits = value($0) }
    layers && /"chunks":/ { chunks = value($0) }
    layers && /"input_clip":/ { clip = value($0) }
    layers && /^ *},?$/ {
      text = op ": " bits "-bit inputs"
      if (chunks != "") text = text ", " chunks " parts"
      if (clip != "") text = text sprintf(", range x %.2f", clip)
      out = out (out == "" ? "" : "; ") text
      op = bits = chunks = clip = ""
    }
    END { print out }'
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
