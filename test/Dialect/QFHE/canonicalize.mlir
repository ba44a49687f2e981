// RUN: quant-opt %s --canonicalize --split-input-file | FileCheck %s

// A requantization to the same parameters is the identity.
// CHECK-LABEL: func @requantize_identity
// CHECK-SAME: (%[[Q:.*]]: tensor<4xsi8>)
// CHECK-NEXT: return %[[Q]]
func.func @requantize_identity(%q: tensor<4xsi8>) -> tensor<4xsi8> {
  %r = qfhe.requantize %q {from = #qfhe.quant<si8, scale = 0.5, zero_point = 1>, to = #qfhe.quant<si8, scale = 0.5, zero_point = 1>} : tensor<4xsi8> -> tensor<4xsi8>
  return %r : tensor<4xsi8>
}

// -----

// Different parameters are kept.
// CHECK-LABEL: func @requantize_kept
// CHECK: qfhe.requantize
func.func @requantize_kept(%q: tensor<4xsi8>) -> tensor<4xsi8> {
  %r = qfhe.requantize %q {from = #qfhe.quant<si8, scale = 0.5, zero_point = 1>, to = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8> -> tensor<4xsi8>
  return %r : tensor<4xsi8>
}

// -----

// Unused pure ops disappear.
// CHECK-LABEL: func @dead
// CHECK-NOT: qfhe.
func.func @dead(%x: tensor<4xf32>, %i: tensor<4xi8>) {
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, scale = 0.5, zero_point = 1>} : tensor<4xf32> -> tensor<4xsi8>
  %l = qfhe.lut %i {table = dense<0> : tensor<256xi8>} : tensor<4xi8> -> tensor<4xi8>
  %r = qfhe.round %i drop 2 : tensor<4xi8> -> tensor<4xi6>
  return
}
