// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func @quantize_per_tensor
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.1:3>> {
  // CHECK: qfhe.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.000000e-01:3>>
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.1:3>>
}

// CHECK-LABEL: func @quantize_per_axis_dynamic
func.func @quantize_per_axis_dynamic(%w: tensor<?x3xf64>) -> tensor<?x3x!quant.uniform<i8:f64:1, {0.5, 0.25:1, 1.0e-3:-2}>> {
  // CHECK: qfhe.quantize %{{.*}} : tensor<?x3xf64> -> tensor<?x3x!quant.uniform<i8:f64:1, {5.000000e-01,2.500000e-01:1,1.000000e-03:-2}>>
  %q = qfhe.quantize %w : tensor<?x3xf64> -> tensor<?x3x!quant.uniform<i8:f64:1, {0.5, 0.25:1, 1.0e-3:-2}>>
  return %q : tensor<?x3x!quant.uniform<i8:f64:1, {0.5, 0.25:1, 1.0e-3:-2}>>
}

// Storage bounds: a narrow range, a 4-bit value in 8-bit storage (signed
// and unsigned), 32-bit storage and a 1-bit value.
// CHECK-LABEL: func @storage_bounds
func.func @storage_bounds(%x: tensor<2xf32>) -> (tensor<2x!quant.uniform<i8<-127:127>:f32, 0.02>>, tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25>>, tensor<2x!quant.uniform<u8<0:15>:f32, 0.25:8>>, tensor<2x!quant.uniform<u32:f32, 1.0e-6:4294967295>>, tensor<2x!quant.uniform<i1:f32, 1.0:-1>>) {
  // CHECK: -> tensor<2x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>
  %a = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8<-127:127>:f32, 0.02>>
  // CHECK: -> tensor<2x!quant.uniform<i8<-8:7>:f32, 2.500000e-01>>
  %b = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25>>
  // CHECK: -> tensor<2x!quant.uniform<u8<0:15>:f32, 2.500000e-01:8>>
  %c = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u8<0:15>:f32, 0.25:8>>
  // CHECK: -> tensor<2x!quant.uniform<u32:f32, 9.9999999999999995E-7:4294967295>>
  %d = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u32:f32, 1.0e-6:4294967295>>
  // CHECK: -> tensor<2x!quant.uniform<i1:f32, 1.000000e+00:-1>>
  %e = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i1:f32, 1.0:-1>>
  return %a, %b, %c, %d, %e : tensor<2x!quant.uniform<i8<-127:127>:f32, 0.02>>, tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25>>, tensor<2x!quant.uniform<u8<0:15>:f32, 0.25:8>>, tensor<2x!quant.uniform<u32:f32, 1.0e-6:4294967295>>, tensor<2x!quant.uniform<i1:f32, 1.0:-1>>
}

// Scales print in the shortest form that reads back to the same double.
// CHECK-LABEL: func @exact_scales
func.func @exact_scales(%x: tensor<2xf32>) -> tensor<2x!quant.uniform<u8:f32, 0.0039215686274509803>> {
  // CHECK: 0.0039215686274509803
  %q = qfhe.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32, 0.0039215686274509803>>
  return %q : tensor<2x!quant.uniform<u8:f32, 0.0039215686274509803>>
}

// CHECK-LABEL: func @dequantize
func.func @dequantize(%q: tensor<1x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0, 4.0}>>) -> tensor<1x4xf32> {
  // CHECK: qfhe.dequantize %{{.*}} : tensor<1x4x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00,3.000000e+00,4.000000e+00}>> -> tensor<1x4xf32>
  %x = qfhe.dequantize %q : tensor<1x4x!quant.uniform<i8:f32:1, {1.0, 2.0, 3.0, 4.0}>> -> tensor<1x4xf32>
  return %x : tensor<1x4xf32>
}

// The default rounding is not printed; the others are.
// CHECK-LABEL: func @requantize
func.func @requantize(%acc: tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>>) -> (tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>, tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>, tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>) {
  // CHECK: qfhe.requantize %{{.*}} : tensor<1x2x!quant.uniform<i32:f32:1, {1.000000e-03,2.000000e-03}>> -> tensor<1x2x!quant.uniform<u8:f32, 5.000000e-02:10>>
  %r = qfhe.requantize %acc : tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>
  // CHECK: qfhe.requantize %{{.*}} {rounding = #qfhe.rounding<fixed_point_double>}
  %d = qfhe.requantize %acc {rounding = #qfhe.rounding<fixed_point_double>} : tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>
  // CHECK: qfhe.requantize %{{.*}} {rounding = #qfhe.rounding<float_half_even>}
  %f = qfhe.requantize %acc {rounding = #qfhe.rounding<float_half_even>} : tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>
  return %r, %d, %f : tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>, tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>, tensor<1x2x!quant.uniform<u8:f32, 0.05:10>>
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
