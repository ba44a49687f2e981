// RUN: quant-opt %s --qfhe-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func @quantize
// CHECK-SAME: -> tensor<4xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xi8>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel"]} ins(%{{.*}} : tensor<4xf32>) outs(%[[E]] : tensor<4xi8>)
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i8):
// CHECK-DAG: %[[S:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[ZP:.*]] = arith.constant 3 : i64
// CHECK: %[[D:.*]] = arith.divf %[[X]], %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[W:.*]] = arith.extf %[[R]] : f32 to f64
// CHECK: arith.maxnumf %[[W]]
// CHECK: arith.minnumf
// CHECK: arith.cmpf uno, %[[W]], %[[W]]
// CHECK: %[[I:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK: %[[Q:.*]] = arith.addi %[[I]], %[[ZP]] : i64
// CHECK: %[[T:.*]] = arith.trunci %[[Q]] : i64 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @quantize(%x: tensor<4xf32>) -> tensor<4xui8> {
  %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>} : tensor<4xf32> -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----

// Per-axis parameters become constant vectors read at the channel index.
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @quantize_per_axis
// CHECK-SAME: (%[[ARG:.*]]: tensor<?x3xf32>) -> tensor<?x3xi8>
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.000000e-03]> : tensor<3xf32>
// CHECK-DAG: %[[ZPS:.*]] = arith.constant dense<[0, 1, -2]> : tensor<3xi64>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[DIM:.*]] = tensor.dim %[[ARG]], %[[C0]]
// CHECK: tensor.empty(%[[DIM]]) : tensor<?x3xi8>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[CH]], #[[CH]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[ARG]], %[[SCALES]], %[[ZPS]] : tensor<?x3xf32>, tensor<3xf32>, tensor<3xi64>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %[[ZP:.*]]: i64, %{{.*}}: i8):
// CHECK: arith.divf %[[X]], %[[S]] : f32
// CHECK: arith.addi %{{.*}}, %[[ZP]] : i64
func.func @quantize_per_axis(%w: tensor<?x3xf32>) -> tensor<?x3xsi8> {
  %q = qfhe.quantize %w {params = #qfhe.quant<si8, axis = 1, scales = [0.5, 0.25, 1.0e-3], zero_points = [0, 1, -2]>} : tensor<?x3xf32> -> tensor<?x3xsi8>
  return %q : tensor<?x3xsi8>
}

// -----

// Unsigned storage is zero-extended before the zero point is subtracted.
// CHECK-LABEL: func @dequantize
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: f16):
// CHECK-DAG: %[[S:.*]] = arith.constant 2.500000e-01 : f16
// CHECK-DAG: %[[ZP:.*]] = arith.constant 128 : i64
// CHECK: %[[W:.*]] = arith.extui %[[Q]] : i8 to i64
// CHECK: %[[C:.*]] = arith.subi %[[W]], %[[ZP]] : i64
// CHECK: %[[F:.*]] = arith.sitofp %[[C]] : i64 to f16
// CHECK: %[[R:.*]] = arith.mulf %[[F]], %[[S]] : f16
// CHECK: linalg.yield %[[R]] : f16
func.func @dequantize(%q: tensor<4xui8>) -> tensor<4xf16> {
  %x = qfhe.dequantize %q {params = #qfhe.quant<ui8, scale = 0.25, zero_point = 128>} : tensor<4xui8> -> tensor<4xf16>
  return %x : tensor<4xf16>
}

// -----

// scale ratio 0.1 / 0.2 = 0.5 = 2^30 * 2^-31.
// CHECK-LABEL: func @requantize
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: i8):
// CHECK-DAG: %[[M:.*]] = arith.constant 1073741824 : i64
// CHECK-DAG: %[[SH:.*]] = arith.constant 31 : i64
// CHECK-DAG: %[[ZIN:.*]] = arith.constant 3 : i64
// CHECK: %[[W:.*]] = arith.extui %[[Q]] : i8 to i64
// CHECK: %[[C:.*]] = arith.subi %[[W]], %[[ZIN]] : i64
// CHECK: %[[P:.*]] = arith.muli %[[C]], %[[M]] : i64
// CHECK: %[[A:.*]] = arith.addi %[[P]], %{{.*}} : i64
// CHECK: %[[S:.*]] = arith.shrsi %[[A]], %[[SH]] : i64
// CHECK: arith.addi %[[S]], %{{.*}} : i64
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i64
// CHECK: arith.minsi %{{.*}}, %{{.*}} : i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize(%q: tensor<4xui8>) -> tensor<4xsi8> {
  %r = qfhe.requantize %q {from = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>, to = #qfhe.quant<si8 narrow, scale = 0.2, zero_point = 0>} : tensor<4xui8> -> tensor<4xsi8>
  return %r : tensor<4xsi8>
}

// -----

// 32-bit inputs are requantized in i128 so that the product cannot wrap.
// CHECK-LABEL: func @requantize_wide
// CHECK: arith.extsi %{{.*}} : i32 to i128
// CHECK: arith.muli %{{.*}} : i128
// CHECK: arith.trunci %{{.*}} : i128 to i8
func.func @requantize_wide(%q: tensor<1x2xsi32>) -> tensor<1x2xsi8> {
  %r = qfhe.requantize %q {from = #qfhe.quant<si32, axis = 1, scales = [0.001, 0.002], zero_points = [0, 0]>, to = #qfhe.quant<si8, scale = 0.05, zero_point = 0>} : tensor<1x2xsi32> -> tensor<1x2xsi8>
  return %r : tensor<1x2xsi8>
}
