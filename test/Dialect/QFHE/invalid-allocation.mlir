// RUN: quant-opt %s --split-input-file --verify-diagnostics

// Every check of #qfhe.allocation's verifier and parser, and of the
// qfhe.allocation attribute on ops.

// expected-error @+1 {{#qfhe.allocation: input_bits = 0 is outside [1, 32]}}
func.func @no_input_bits() attributes {a = #qfhe.allocation<input_bits = 0>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_bits = 40 is outside [1, 32]}}
func.func @too_many_input_bits() attributes {a = #qfhe.allocation<input_bits = 40>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_levels = 9 is outside [2, 8], the levels 3 bits hold}}
func.func @too_many_levels() attributes {a = #qfhe.allocation<input_bits = 3, input_levels = 9>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_levels = 1 is outside [2, 8], the levels 3 bits hold}}
func.func @one_level() attributes {a = #qfhe.allocation<input_bits = 3, input_levels = 1>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_clip = 1.5 is outside (0, 1]}}
func.func @clip_above_one() attributes {a = #qfhe.allocation<input_bits = 3, input_clip = 1.5>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_clip = 2.0e+300 is outside (0, 1]}}
func.func @clip_huge() attributes {a = #qfhe.allocation<input_bits = 3, input_clip = 2.0e300>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: input_clip = 0.0 is outside (0, 1]}}
func.func @clip_zero() attributes {a = #qfhe.allocation<input_bits = 3, input_clip = 0.0>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: weight_bits = 0 is outside [1, 64]}}
func.func @no_weight_bits() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 0>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: weight_l1 = -2 is negative}}
func.func @negative_budget() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = -2>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: chunks = 3 is not a power of two}}
func.func @three_parts() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 8, chunks = 3>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: weight_l1 needs weight_bits (a layer with weights)}}
func.func @budget_without_weights() attributes {a = #qfhe.allocation<input_bits = 3, weight_l1 = 4>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation: chunks needs weight_bits (a layer with weights)}}
func.func @parts_without_weights() attributes {a = #qfhe.allocation<input_bits = 3, chunks = 2>} { return }

// -----

// expected-error @+1 {{#qfhe.allocation needs input_bits}}
func.func @missing_input_bits() attributes {a = #qfhe.allocation<weight_bits = 8>} { return }

// -----

// expected-error @+1 {{unknown key 'bits' in #qfhe.allocation; expected one of input_bits, input_levels, input_clip, weight_bits, weight_l1, per_channel, symmetric, rounding, chunks, bias_correction}}
func.func @unknown_key() attributes {a = #qfhe.allocation<bits = 8>} { return }

// -----

// expected-error @+1 {{'chunks' appears twice in #qfhe.allocation}}
func.func @twice() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 8, chunks = 2, chunks = 4>} { return }

// -----

// expected-error @+1 {{rounding must be weighted or nearest, not 'up'}}
func.func @bad_rounding() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 8, rounding = up>} { return }

// -----

// expected-error @+1 {{expected true or false, not 'yes'}}
func.func @bad_bool() attributes {a = #qfhe.allocation<input_bits = 3, weight_bits = 8, per_channel = yes>} { return }

// -----

// The attribute on an op must be the typed allocation: a dictionary (the
// form before it was typed) would be ignored by qfhe-quantize.
func.func @dictionary(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %init = tensor.empty() : tensor<2x3xf32>
  // expected-error @+1 {{'linalg.matmul': qfhe.allocation must be a #qfhe.allocation<...>, not {input_bits = 3 : i64}}}
  %y = linalg.matmul {qfhe.allocation = {input_bits = 3 : i64}}
       ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
