// RUN: quant-opt %S/Inputs/mlp3.mlir --qfhe-allocate-bits="max-bit-width=6 print" 2>&1 | FileCheck %s --check-prefix=A2Q
// RUN: quant-opt %S/Inputs/mlp3.mlir --qfhe-allocate-bits="max-bit-width=6 strategy=uniform print" 2>&1 | FileCheck %s --check-prefix=UNIFORM
// RUN: quant-opt %S/Inputs/sum64.mlir --qfhe-allocate-bits="max-bit-width=8" | FileCheck %s --check-prefix=SUM
// RUN: not quant-opt %S/Inputs/sum64.mlir --qfhe-allocate-bits="max-bit-width=6" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not quant-opt %S/Inputs/sum64.mlir --qfhe-allocate-bits="max-bit-width=6 strategy=uniform" 2>&1 | FileCheck %s --check-prefix=UNIFORM-INFEASIBLE
// RUN: not quant-opt %S/Inputs/mlp3.mlir --qfhe-allocate-bits="strategy=best" 2>&1 | FileCheck %s --check-prefix=OPTIONS
// RUN: sed 's/dense<\[\[1.0\], \[-1.0\]\]> : tensor<2x1xf32>/dense<0.0> : tensor<2x1xf32>/' %S/Inputs/mlp3.mlir \
// RUN: | quant-opt --qfhe-allocate-bits="max-bit-width=6 print" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: sed 's/ {qfhe.range = .*}) ->/) ->/' %S/Inputs/mlp3.mlir \
// RUN: | not quant-opt --qfhe-allocate-bits 2>&1 | FileCheck %s --check-prefix=NORANGE

// Under a 6-bit cap, a channel over n-bit inputs may have integer weights
// of l1 norm up to (2^6 - 1) / (2^n - 1). Layer 1 (3 inputs, weights up to
// 2): 3-bit inputs leave an l1 budget of 63 / 7 = 9. Layer 2 (weights
// [1, -1]) keeps them exactly with l1 2 and 5-bit inputs (63 / 31 = 2).
// A2Q: remark: estimated: input_bits = 3, chunks = 1, estimated noise 0.0283 of the signal
// A2Q: remark: estimated: input_bits = 5, chunks = 1, estimated noise 0.000457 of the signal
// A layer whose weights are all zero has no signal to lose: it gets bits
// (the rounding noise was reported as "-nan%" of it, an error, before).
// ZERO: remark: estimated: input_bits = 1, chunks = 1, estimated noise 0 (no signal)
// The module records the choices for reports (qfhe.allocation_summary).
// A2Q: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [#qfhe.layer_choice<op = "linalg.matmul", loc = "loc({{.*}}mlp3.mlir{{.*}}:12:8)", allocation = <input_bits = 3, {{.*}}weight_l1 = 9, {{.*}}>>, #qfhe.layer_choice<op = "linalg.matmul", {{.*}}allocation = <input_bits = 5, {{.*}}weight_l1 = 2, {{.*}}>>]>, qfhe.default_bits = 6 : i64, qfhe.output_bits = 6 : i64}
// A2Q: linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = 9, per_channel = true, rounding = weighted>}
// A2Q: linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 5, weight_bits = 8, weight_l1 = 2, per_channel = true, rounding = weighted>}

// The baseline: one width n for everything, per-tensor min/max weights, no
// bias correction, the largest n whose worst case fits: with n = 3, layer 1
// could reach 3 * 4 * 4 = 48 (7 bits); n = 2 fits. The decrypted outputs
// take the cap, as a2q's do.
// UNIFORM: remark: uniform quantization: 2 bits
// UNIFORM: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "uniform", layers = [#qfhe.layer_choice<{{.*}}allocation = <input_bits = 2, {{.*}}bias_correction = false>>{{.*}}]>, qfhe.default_bits = 2 : i64, qfhe.output_bits = 6 : i64}
// UNIFORM-COUNT-2: linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 2, weight_bits = 2, per_channel = false, symmetric = false, bias_correction = false>}

// A sum of 64 n-bit values spans 64 * (2^n - 1) + 1 values: 2 bits under
// a cap of 8 (193 values), none under 6 (65 values need 7 bits).
// SUM: qfhe.allocation = #qfhe.allocation<input_bits = 2>
// The baseline fails there too, and says under which cap (a number: the
// pass option streamed into the diagnostic printed as a character).
// UNIFORM-INFEASIBLE: error: uniform quantization cannot fit max-bit-width=6 with 2 bits or more
// INFEASIBLE: error: cannot fit max-bit-width=6: this op adds 64 values; the smallest cap that would is 7

// OPTIONS: error: qfhe-allocate-bits: strategy='best' is not one of a2q, uniform
// NORANGE: error: cannot allocate bits: the input of this op has no finite range (declare qfhe.range or calibrate)

// With calibration data the choice is measured: candidates compiled and run
// next to the float program (without warnings from the JIT about the
// arguments' attributes).
// RUN: quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-allocate-bits="max-bit-width=6 print calibration-data=%S/Inputs/mlp3_x.npy" 2>&1 \
// RUN: | FileCheck %s --check-prefix=MEASURED --implicit-check-not=warning
// MEASURED: remark: measured: input_bits = {{[0-9]}}, {{weighted|nearest}} rounding, chunks = {{[12]}}, input range x {{[0-9.]+}}
// MEASURED: remark: measured: input_bits = {{[0-9]}}
// The descent sweeps until a round of the layers keeps nothing, and does
// not measure a configuration twice: the last round revisits the
// candidates it rejected in the same context.
// MEASURED: remark: {{[0-9]+}} candidates measured in {{[1-9]}} sweeps of the layers, the last keeping nothing ({{[1-9][0-9]*}} repeated configurations not measured again); best agrees with the float program on {{[0-9.]+}}% of the calibration samples, output error {{[0-9.]+}}% (rms)
// With input-levels, inputs of fewer levels than their bits hold are
// measured too, from the whole-bit search's result; on mlp3 the first
// layer takes 12 of its 16 levels (a budget of 63 / 11 = 5), and the
// pipeline proves the cap.
// RUN: quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-allocate-bits="max-bit-width=6 print calibration-data=%S/Inputs/mlp3_x.npy input-levels" 2>&1 \
// RUN: | FileCheck %s --check-prefix=LEVELS --implicit-check-not=warning
// LEVELS: remark: measured: input_bits = 4, {{weighted|nearest}} rounding, chunks = 1, input range x {{[0-9.]+}}, 12 input levels
// RUN: quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-pipeline="max-bit-width=6 calibration-data=%S/Inputs/mlp3_x.npy input-levels=true report=-" \
// RUN: | FileCheck %s --check-prefix=LEVELS-REPORT
// LEVELS-REPORT: "input_bits": 4,
// LEVELS-REPORT-NEXT: "input_levels": 12,
// LEVELS-REPORT-NEXT: "loc":
// LEVELS-REPORT-NEXT: "op": "linalg.matmul",
// LEVELS-REPORT-NEXT: "per_channel": true,
// LEVELS-REPORT-NEXT: "rounding": "{{weighted|nearest}}",
// LEVELS-REPORT-NEXT: "weight_bits": 8,
// LEVELS-REPORT-NEXT: "weight_l1": 5
// LEVELS-REPORT: "widest": {
// LEVELS-REPORT-NEXT: "bits": 6,
// The summary says what the search measured, and the verifier's report
// carries it.
// RUN: quant-opt %S/Inputs/mlp3.mlir \
// RUN:   --qfhe-allocate-bits="max-bit-width=6 calibration-data=%S/Inputs/mlp3_x.npy" \
// RUN: | FileCheck %s --check-prefix=SUMMARY
// SUMMARY: strategy = "a2q", layers = [{{.*}}], search = <candidates = {{[0-9]+}}, samples = 64, agreement = {{[0-9.e+-]+}} : f64, divergence = {{[0-9.e+-]+}} : f64, relative_rms_error = {{[0-9.e+-]+}} : f64, uniform_is_best = {{true|false}}, cost = {{[0-9.e+-]+}} : f64, most_faithful_agreement = {{[0-9.e+-]+}} : f64, most_faithful_divergence = {{[0-9.e+-]+}} : f64, most_faithful_cost = {{[0-9.e+-]+}} : f64>>
// RUN: quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-pipeline="max-bit-width=6 calibration-data=%S/Inputs/mlp3_x.npy report=-" \
// RUN: | FileCheck %s --check-prefix=REPORT
// REPORT: "allocation": {
// REPORT-NEXT: "layers": [
// REPORT-NEXT: {
// REPORT: "input_bits": {{[0-9]}},
// REPORT: "op": "linalg.matmul",
// REPORT: "search": {
// REPORT: "candidates": {{[0-9]+}},
// REPORT: "samples": 64,
// REPORT: "strategy": "a2q"
// REPORT: "functions": [

// Calibration data that does not fit the function, or no file at all.
// RUN: not quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-allocate-bits="calibration-data=%S/Inputs/dense16_x.npy" 2>&1 \
// RUN: | FileCheck %s --check-prefix=BADDATA
// BADDATA: error: qfhe-allocate-bits: {{.*}}dense16_x.npy has shape [64, 16] but argument 0 of @mlp (tensor<?x3xf32>) needs [N, 3] (the leading dimension counts the samples)
// RUN: not quant-opt %S/Inputs/mlp3.mlir -o /dev/null \
// RUN:   --qfhe-allocate-bits="calibration-data=%t.missing.npy" 2>&1 \
// RUN: | FileCheck %s --check-prefix=NODATA
// NODATA: error: qfhe-allocate-bits: calibration-data: cannot read '{{.*}}missing.npy': No such file or directory
