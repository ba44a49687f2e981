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
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[W]], %[[W]]
// CHECK: %[[Z:.*]] = arith.select %[[NAN]], %{{.*}}, %[[W]] : f64
// CHECK: arith.maxnumf %[[Z]]
// CHECK: arith.minnumf
// CHECK: %[[I:.*]] = arith.fptosi %{{.*}} : f64 to i64
// CHECK: %[[Q:.*]] = arith.addi %[[I]], %[[ZP]] : i64
// CHECK: %[[T:.*]] = arith.trunci %[[Q]] : i64 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @quantize(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.1:3>> {
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.1:3>>
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
func.func @quantize_per_axis(%w: tensor<?x3xf32>) -> tensor<?x3x!quant.uniform<i8:f32:1, {0.5, 0.25:1, 1.0e-3:-2}>> {
  %q = qfhe.quantize %w : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<i8:f32:1, {0.5, 0.25:1, 1.0e-3:-2}>>
  return %q : tensor<?x3x!quant.uniform<i8:f32:1, {0.5, 0.25:1, 1.0e-3:-2}>>
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
func.func @dequantize(%q: tensor<4x!quant.uniform<u8:f16, 0.25:128>>) -> tensor<4xf16> {
  %x = qfhe.dequantize %q : tensor<4x!quant.uniform<u8:f16, 0.25:128>> -> tensor<4xf16>
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
func.func @requantize(%q: tensor<4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.2>> {
  %r = qfhe.requantize %q : tensor<4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.2>>
  return %r : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.2>>
}

// -----

// 32-bit inputs are requantized in i128 so that the product cannot wrap.
// CHECK-LABEL: func @requantize_wide
// CHECK: arith.extsi %{{.*}} : i32 to i128
// CHECK: arith.muli %{{.*}} : i128
// CHECK: arith.trunci %{{.*}} : i128 to i8
func.func @requantize_wide(%q: tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05>> {
  %r = qfhe.requantize %q : tensor<1x2x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<1x2x!quant.uniform<i8:f32, 0.05>>
  return %r : tensor<1x2x!quant.uniform<i8:f32, 0.05>>
}

// -----

// float_half_even: the centered integer times the float32 multiplier
// f32(0.1) / f32(0.3) = 0.333333313 in f64, plus the zero point, rounded
// half to even and clamped in f64.
// CHECK-LABEL: func @requantize_float
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: i8):
// CHECK-DAG: %[[M:.*]] = arith.constant 0.33333331346511841 : f64
// CHECK-DAG: %[[ZOUT:.*]] = arith.constant 5 : i64
// CHECK: %[[W:.*]] = arith.extsi %[[Q]] : i8 to i64
// CHECK: %[[X:.*]] = arith.sitofp %{{.*}} : i64 to f64
// CHECK: %[[P:.*]] = arith.mulf %[[X]], %[[M]] : f64
// CHECK: %[[Z:.*]] = arith.sitofp %[[ZOUT]] : i64 to f64
// CHECK: %[[S:.*]] = arith.addf %[[P]], %[[Z]] : f64
// CHECK: %[[R:.*]] = math.roundeven %[[S]] : f64
// CHECK: arith.maximumf %[[R]], %{{.*}} : f64
// CHECK: arith.minimumf
// CHECK: arith.fptosi %{{.*}} : f64 to i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize_float(%q: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.3:5>> {
  %r = qfhe.requantize %q {rounding = #qfhe.rounding<float_half_even>} : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.3:5>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.3:5>>
}

// -----

// The quant dialect's casts lower like qfhe.quantize and qfhe.dequantize,
// with the storage bounds of the type; quant.scast disappears, and the
// function signature holds the storage integers.
// CHECK-LABEL: func @quant_casts
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>)
// CHECK: math.roundeven
// CHECK: arith.constant -8.000000e+00 : f64
// CHECK: arith.constant 7.000000e+00 : f64
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<4xi8>)
// CHECK: arith.mulf %{{.*}} : f32
// CHECK-NOT: quant.
func.func @quant_casts(%x: tensor<4xf32>, %i: tensor<4xi8>) -> (tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5>>, tensor<4xf32>) {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5>>
  %s = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.25>>
  %d = quant.dcast %s : tensor<4x!quant.uniform<i8:f32, 0.25>> to tensor<4xf32>
  return %q, %d : tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5>>, tensor<4xf32>
}
