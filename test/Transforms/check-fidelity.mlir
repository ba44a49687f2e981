// RUN: quant-opt %s --split-input-file --qfhe-check-fidelity --verify-diagnostics | FileCheck %s

// qfhe-check-fidelity reads the agreement the allocation measured
// (qfhe.allocation_summary's search) and warns below min-agreement
// (default 0.8). It changes nothing. (test/e2e/fidelity-warning.test
// runs it in the pipeline, with other thresholds.)

// The program of a 3-bit cap: 11 of 200 calibration samples agree.
// CHECK-LABEL: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = <candidates = 40, samples = 200, agreement = 5.500000e-02 : f64
// expected-warning @+1 {{the compiled program predicts what the float program predicts on 5.5% of 200 calibration samples, below min-agreement=0.8: under this cap it does not keep the model's predictions (a larger max-bit-width may)}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<candidates = 40, samples = 200, agreement = 0.055 : f64, divergence = 0.5 : f64, relative_rms_error = 0.9 : f64, uniform_is_best = false>>} {
}

// -----

// At or above the threshold: nothing to say.
// CHECK-LABEL: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = <candidates = 40, samples = 200, agreement = 8.000000e-01 : f64
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<candidates = 40, samples = 200, agreement = 0.8 : f64, divergence = 0.5 : f64, relative_rms_error = 0.9 : f64, uniform_is_best = false>>} {
}

// -----

// Without a measured search (no calibration-data) there is no agreement.
// CHECK-LABEL: module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = []>}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = []>} {
}

// -----

// No allocation at all.
// CHECK-LABEL: func.func @plain
func.func @plain() {
  return
}
