// RUN: quant-opt %s --qfhe-normalize --qfhe-quantize=float-fallback 2>&1 | FileCheck %s

// With float-fallback, an op without a quantized form (here the larger of
// two encrypted tensors, two layers' outputs, written as a compare and a
// select: a function of two tensors that is not a sum, a difference, a
// product, or a min, max or division qfhe-normalize rewrites into those)
// stays in float between a dequantize and a
// quantize, with a warning: the program runs, but it is not an FHE circuit.
// CHECK: warning: 'linalg.generic' stays in float between a dequantize and a quantize (no quantized form for this op); the program is not an FHE circuit
// CHECK-LABEL: func @fallback
// CHECK: %[[ACC:.*]] = qfhe.matmul
// CHECK: %[[ACC2:.*]] = qfhe.matmul
// CHECK: %[[EXP:.*]] = qfhe.apply %[[ACC2]]
// CHECK: math.exp
// CHECK-DAG: %[[A:.*]] = qfhe.dequantize %[[ACC]]
// CHECK-DAG: %[[B:.*]] = qfhe.dequantize %[[EXP]]
// CHECK: %[[DIV:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: arith.select
// CHECK: %[[Q:.*]] = qfhe.quantize %[[DIV]]
// CHECK: qfhe.matmul %[[Q]]
func.func @fallback(%x: tensor<4x3xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0], [0.25, -0.25]]> : tensor<3x2xf32>
  %w2 = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %w3 = arith.constant dense<[[0.5, -1.0], [0.25, 0.75], [-0.5, 0.5]]> : tensor<3x2xf32>
  %m3 = linalg.matmul ins(%x, %w3 : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %x2 = linalg.exp ins(%m3 : tensor<4x2xf32>) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %d = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %x2 : tensor<4x2xf32>, tensor<4x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %above = arith.cmpf ogt, %a, %b : f32
    %larger = arith.select %above, %a, %b : f32
    linalg.yield %larger : f32
  } -> tensor<4x2xf32>
  %m2 = linalg.matmul ins(%d, %w2 : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %m2 : tensor<4x2xf32>
}
