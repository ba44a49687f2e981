// RUN: quant-opt %s --canonicalize --split-input-file | FileCheck %s

// A requantization to the same parameters is the identity.
// CHECK-LABEL: func @requantize_identity
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:1>>)
// CHECK-NEXT: return %[[Q]]
func.func @requantize_identity(%q: tensor<4x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:1>> {
  %r = qfhe.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:1>> -> tensor<4x!quant.uniform<i8:f32, 0.5:1>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:1>>
}

// -----

// Different parameters are kept.
// CHECK-LABEL: func @requantize_kept
// CHECK: qfhe.requantize
func.func @requantize_kept(%q: tensor<4x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %r = qfhe.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:1>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Unused pure ops disappear.
// CHECK-LABEL: func @dead
// CHECK-NOT: qfhe.
func.func @dead(%x: tensor<4xf32>, %i: tensor<4xi8>) {
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:1>>
  %l = qfhe.lut %i {table = dense<0> : tensor<256xi8>} : tensor<4xi8> -> tensor<4xi8>
  %r = qfhe.round %i drop 2 : tensor<4xi8> -> tensor<4xi6>
  return
}
