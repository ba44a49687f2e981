// RUN: quant-opt %s --split-input-file --verify-diagnostics

// Every check of #qfhe.allocation_summary's and #qfhe.search_summary's
// verifiers, and of the qfhe.allocation_summary attribute on a module.

// A strategy the allocator does not have.
// expected-error @+1 {{#qfhe.allocation_summary: strategy = "best" is not one of "a2q", "uniform"}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "best", layers = []>} {
}

// -----

// A layer that is not a #qfhe.layer_choice.
// expected-error @+1 {{#qfhe.allocation_summary: layer #1 must be a #qfhe.layer_choice<...>, not 3 : i64}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [#qfhe.layer_choice<op = "linalg.matmul", loc = "loc(unknown)">, 3]>} {
}

// -----

// No calibration samples.
// expected-error @+2 {{#qfhe.search_summary: samples = 0 is not positive}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 0, candidates = 1, agreement = 0.5 : f64, divergence = 0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false>>} {
}

// -----

// Fewer than no candidates.
// expected-error @+2 {{#qfhe.search_summary: candidates = -1 is negative}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 10, candidates = -1, agreement = 0.5 : f64, divergence = 0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false>>} {
}

// -----

// An agreement is a fraction of the samples.
// expected-error @+2 {{#qfhe.search_summary: agreement = 1.5 is outside [0, 1]}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 200, candidates = 1, agreement = 1.5 : f64, divergence = 0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false>>} {
}

// -----

// Reals are f64.
// expected-error @+2 {{#qfhe.search_summary: agreement must be an f64, not 5.000000e-01 : f32}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 200, candidates = 1, agreement = 0.5 : f32, divergence = 0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false>>} {
}

// -----

// A divergence is never negative.
// expected-error @+2 {{#qfhe.search_summary: divergence = -0.1 is outside [0, inf)}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 200, candidates = 1, agreement = 0.5 : f64, divergence = -0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false>>} {
}

// -----

// The most faithful candidate's scores go together, with the cost.
// expected-error @+2 {{#qfhe.search_summary: most_faithful_agreement, most_faithful_divergence and most_faithful_cost go together, with cost}}
// expected-error @+1 {{failed to parse QFHE_AllocationSummaryAttr parameter 'search' which is to be a `SearchSummaryAttr`}}
module attributes {qfhe.allocation_summary = #qfhe.allocation_summary<strategy = "a2q", layers = [], search = #qfhe.search_summary<samples = 200, candidates = 1, agreement = 0.5 : f64, divergence = 0.1 : f64, relative_rms_error = 0.1 : f64, uniform_is_best = false, cost = 10.0 : f64, most_faithful_agreement = 0.6 : f64>>} {
}

// -----

// A dictionary (the summary's form before it was typed) is an error, not
// a record reports would misread.
// expected-error @+1 {{'builtin.module': qfhe.allocation_summary must be a #qfhe.allocation_summary<...>, not {strategy = "a2q"}}}
module attributes {qfhe.allocation_summary = {strategy = "a2q"}} {
}
