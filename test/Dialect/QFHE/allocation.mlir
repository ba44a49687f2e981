// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// #qfhe.allocation, the bits qfhe-allocate-bits chose for a linear layer:
// printed in a fixed order whatever the order written, entries at their
// defaults left out.

// A weighted layer of strategy a2q.
// CHECK-LABEL: func @weighted
// CHECK: linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = 9, per_channel = true, rounding = weighted>}
func.func @weighted(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %init = tensor.empty() : tensor<2x3xf32>
  %y = linalg.matmul {qfhe.allocation = #qfhe.allocation<rounding = weighted, per_channel = true, weight_l1 = 9, weight_bits = 8, input_bits = 3>}
       ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// A layer rounded against its inputs' correlations.
// CHECK-LABEL: func @gram
// CHECK-SAME: a = #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = 4, per_channel = true, rounding = gram>
func.func @gram() attributes {a = #qfhe.allocation<rounding = gram, weight_l1 = 4, weight_bits = 8, input_bits = 3, per_channel = true>} {
  return
}

// Every entry away from its default.
// CHECK-LABEL: func @every_entry
// CHECK-SAME: a = #qfhe.allocation<input_bits = 4, input_levels = 12, input_clip = 0.7, weight_bits = 6, weight_l1 = 5, per_channel = true, symmetric = true, rounding = nearest, chunks = 4, bias_correction = false>
func.func @every_entry() attributes {a = #qfhe.allocation<input_bits = 4, input_levels = 12, input_clip = 0.7, weight_bits = 6, weight_l1 = 5, per_channel = true, symmetric = true, rounding = nearest, chunks = 4, bias_correction = false>} {
  return
}

// Defaults written out are left out: levels as many as the bits hold are
// kept (they are not the default 0), a clip of 1, one part, correction on.
// CHECK-LABEL: func @defaults
// CHECK-SAME: a = #qfhe.allocation<input_bits = 2, input_levels = 4, weight_bits = 2>
func.func @defaults() attributes {a = #qfhe.allocation<input_bits = 2, input_levels = 4, input_clip = 1.0, weight_bits = 2, weight_l1 = 0, chunks = 1, bias_correction = true>} {
  return
}

// The uniform baseline (per tensor, asymmetric, uncorrected) and a pool.
// CHECK-LABEL: func @uniform_and_pool
// CHECK-SAME: p = #qfhe.allocation<input_bits = 6, input_clip = 0.55>
// CHECK-SAME: u = #qfhe.allocation<input_bits = 5, weight_bits = 5, per_channel = false, symmetric = false, bias_correction = false>
func.func @uniform_and_pool() attributes {u = #qfhe.allocation<input_bits = 5, weight_bits = 5, per_channel = false, symmetric = false, bias_correction = false>, p = #qfhe.allocation<input_bits = 6, input_clip = 0.55>} {
  return
}

// A clip in exponent form prints as a float literal, with a point before
// its exponent, shortest digits that read back as the same double.
// CHECK-LABEL: func @exponent_clip
// CHECK-SAME: a = #qfhe.allocation<input_bits = 3, input_clip = 1.0e-05>
// CHECK-SAME: b = #qfhe.allocation<input_bits = 3, input_clip = 2.5e-07>
func.func @exponent_clip() attributes {a = #qfhe.allocation<input_bits = 3, input_clip = 0.00001>, b = #qfhe.allocation<input_bits = 3, input_clip = 2.50e-7>} {
  return
}
