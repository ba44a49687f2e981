// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func @quantize_per_tensor
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4xui8> {
  // CHECK: qfhe.quantize %{{.*}} {params = #qfhe.quant<ui8, scale = 1.000000e-01, zero_point = 3>} : tensor<4xf32> -> tensor<4xui8>
  %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>} : tensor<4xf32> -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// CHECK-LABEL: func @quantize_per_axis_dynamic
func.func @quantize_per_axis_dynamic(%w: tensor<?x3xf64>) -> tensor<?x3xsi8> {
  // CHECK: #qfhe.quant<si8, axis = 1, scales = [5.000000e-01, 2.500000e-01, 1.000000e-03], zero_points = [0, 1, -2]>
  %q = qfhe.quantize %w {params = #qfhe.quant<si8, axis = 1, scales = [0.5, 0.25, 1.0e-3], zero_points = [0, 1, -2]>} : tensor<?x3xf64> -> tensor<?x3xsi8>
  return %q : tensor<?x3xsi8>
}

// CHECK-LABEL: func @narrow_and_wide
func.func @narrow_and_wide(%x: tensor<2xf32>) -> (tensor<2xsi8>, tensor<2xui32>, tensor<2xsi1>) {
  // CHECK: #qfhe.quant<si8 narrow, scale = 2.000000e-02, zero_point = 0>
  %a = qfhe.quantize %x {params = #qfhe.quant<si8 narrow, scale = 0.02, zero_point = 0>} : tensor<2xf32> -> tensor<2xsi8>
  // CHECK: #qfhe.quant<ui32, scale = 9.9999999999999995E-7, zero_point = 4294967295>
  %b = qfhe.quantize %x {params = #qfhe.quant<ui32, scale = 1.0e-6, zero_point = 4294967295>} : tensor<2xf32> -> tensor<2xui32>
  // CHECK: #qfhe.quant<si1, scale = 1.000000e+00, zero_point = -1>
  %c = qfhe.quantize %x {params = #qfhe.quant<si1, scale = 1.0, zero_point = -1>} : tensor<2xf32> -> tensor<2xsi1>
  return %a, %b, %c : tensor<2xsi8>, tensor<2xui32>, tensor<2xsi1>
}

// Scales print in the shortest form that reads back to the same double.
// CHECK-LABEL: func @exact_scales
func.func @exact_scales(%x: tensor<2xf32>) -> tensor<2xui8> {
  // CHECK: scale = 0.0039215686274509803
  %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.0039215686274509803, zero_point = 0>} : tensor<2xf32> -> tensor<2xui8>
  return %q : tensor<2xui8>
}

// CHECK-LABEL: func @dequantize
func.func @dequantize(%q: tensor<1x4xsi8>) -> tensor<1x4xf32> {
  // CHECK: qfhe.dequantize %{{.*}} {params = #qfhe.quant<si8, axis = 1, scales = [1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], zero_points = [0, 0, 0, 0]>} : tensor<1x4xsi8> -> tensor<1x4xf32>
  %x = qfhe.dequantize %q {params = #qfhe.quant<si8, axis = 1, scales = [1.0, 2.0, 3.0, 4.0], zero_points = [0, 0, 0, 0]>} : tensor<1x4xsi8> -> tensor<1x4xf32>
  return %x : tensor<1x4xf32>
}

// CHECK-LABEL: func @requantize
func.func @requantize(%acc: tensor<1x2xsi32>) -> tensor<1x2xui8> {
  // CHECK: qfhe.requantize %{{.*}} {from = #qfhe.quant<si32, axis = 1, scales = [1.000000e-03, 2.000000e-03], zero_points = [0, 0]>, to = #qfhe.quant<ui8, scale = 5.000000e-02, zero_point = 10>} : tensor<1x2xsi32> -> tensor<1x2xui8>
  %r = qfhe.requantize %acc {from = #qfhe.quant<si32, axis = 1, scales = [0.001, 0.002], zero_points = [0, 0]>, to = #qfhe.quant<ui8, scale = 0.05, zero_point = 10>} : tensor<1x2xsi32> -> tensor<1x2xui8>
  return %r : tensor<1x2xui8>
}

// CHECK-LABEL: func @lut
func.func @lut(%x: tensor<2x8xi3>, %u: tensor<4xui2>) -> (tensor<2x8xi3>, tensor<2x8xi5>, tensor<4xui4>) {
  // CHECK: qfhe.lut %{{.*}} {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>} : tensor<2x8xi3> -> tensor<2x8xi3>
  %y = qfhe.lut %x {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>} : tensor<2x8xi3> -> tensor<2x8xi3>
  // CHECK: qfhe.lut %{{.*}} {axis = 0 : i64, table = dense<{{\[}}[-16, 0, 0, 0, 0, 1, 2, 15], [0, 1, 2, 3, 3, 2, 1, 0]]> : tensor<2x8xi64>} : tensor<2x8xi3> -> tensor<2x8xi5>
  %z = qfhe.lut %y {axis = 0 : i64, table = dense<[[-16, 0, 0, 0, 0, 1, 2, 15], [0, 1, 2, 3, 3, 2, 1, 0]]> : tensor<2x8xi64>} : tensor<2x8xi3> -> tensor<2x8xi5>
  // CHECK: qfhe.lut %{{.*}} {table = dense<[0, 1, 4, 9]> : tensor<4xui4>} : tensor<4xui2> -> tensor<4xui4>
  %s = qfhe.lut %u {table = dense<[0, 1, 4, 9]> : tensor<4xui4>} : tensor<4xui2> -> tensor<4xui4>
  return %y, %z, %s : tensor<2x8xi3>, tensor<2x8xi5>, tensor<4xui4>
}

// CHECK-LABEL: func @round
func.func @round(%a: tensor<2x8xi12>, %u: tensor<3xui8>) -> (tensor<2x8xi9>, tensor<2x8xi8>, tensor<3xui1>) {
  // CHECK: qfhe.round %{{.*}} drop 4 : tensor<2x8xi12> -> tensor<2x8xi9>
  %r = qfhe.round %a drop 4 : tensor<2x8xi12> -> tensor<2x8xi9>
  // CHECK: qfhe.round %{{.*}} drop 4 : tensor<2x8xi12> -> tensor<2x8xi8>
  %s = qfhe.round %a drop 4 : tensor<2x8xi12> -> tensor<2x8xi8>
  // CHECK: qfhe.round %{{.*}} drop 7 : tensor<3xui8> -> tensor<3xui1>
  %t = qfhe.round %u drop 7 : tensor<3xui8> -> tensor<3xui1>
  return %r, %s, %t : tensor<2x8xi9>, tensor<2x8xi8>, tensor<3xui1>
}
