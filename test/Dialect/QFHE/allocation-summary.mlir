// RUN: quant-opt %s --split-input-file | FileCheck %s
// RUN: quant-opt %s --split-input-file | quant-opt --split-input-file | FileCheck %s
// RUN: quant-opt %s --split-input-file --mlir-print-op-generic | quant-opt --split-input-file | FileCheck %s

// #qfhe.allocation_summary, the record qfhe-allocate-bits leaves on the
// module for reports: the strategy, one #qfhe.layer_choice per layer (its
// op, its location as text, its allocation), and the measured search's
// #qfhe.search_summary. Entries print in a fixed order whatever the order
// written; optional ones that are absent are left out.

// Typed entries print without their prefix, as ODS prints an attribute
// parameter of a known kind (`allocation = <...>`, `search = <...>`); the
// prefixed form reads as well.
// CHECK: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [#qfhe.layer_choice<op = "linalg.matmul", loc = "loc(\22m.mlir\22:12:8)", allocation = <input_bits = 3, weight_bits = 8, weight_l1 = 9, per_channel = true, rounding = weighted>>, #qfhe.layer_choice<op = "linalg.pooling_nhwc_max", loc = "loc(unknown)">], search = <candidates = 177, samples = 200, agreement = 0.98999999999999999 : f64, divergence = 2.100000e-02 : f64, relative_rms_error = 1.300000e-01 : f64, uniform_is_best = false, cost = 3.780000e+02 : f64, most_faithful_agreement = 0.99499999999999999 : f64, most_faithful_divergence = 1.900000e-02 : f64, most_faithful_cost = 6.120000e+02 : f64>>}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<
    search = #qfhe.search_summary<samples = 200, candidates = 177,
        agreement = 0.99 : f64, divergence = 0.021 : f64,
        relative_rms_error = 0.13 : f64, uniform_is_best = false,
        cost = 378.0 : f64, most_faithful_agreement = 0.995 : f64,
        most_faithful_divergence = 0.019 : f64, most_faithful_cost = 612.0 : f64>,
    layers = [
      #qfhe.layer_choice<op = "linalg.matmul", loc = "loc(\"m.mlir\":12:8)",
          allocation = #qfhe.allocation<input_bits = 3, weight_bits = 8,
              weight_l1 = 9, per_channel = true, rounding = weighted>>,
      #qfhe.layer_choice<loc = "loc(unknown)", op = "linalg.pooling_nhwc_max">],
    strategy = "a2q">} {
}

// -----

// The uniform baseline without data: no search, costs absent.
// CHECK: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "uniform", layers = []>}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "uniform", layers = []>} {
}
