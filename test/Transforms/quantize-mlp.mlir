// RUN: quant-opt %s --qfhe-quantize | FileCheck %s

// A hand-checked example. Inputs in [-1, 127/128] on 8 bits: scale 2^-7,
// zero point 0. Weights per column, symmetric narrow (max |w| -> 127):
//   column 0: [1, -0.5, 127/64]   -> scale 2^-6, integers [64, -32, 127]
//   column 1: [0.5, 127/128, -0.25] -> scale 2^-7, integers [64, 127, -32]
// Accumulator scales 2^-13 and 2^-14; the bias [0.5, -0.25] folds in as
// [0.5 / 2^-13, -0.25 / 2^-14] = [4096, -4096]. relu is one table on the
// accumulator; the second layer reads 8-bit activations.
// CHECK-LABEL: func @mlp
// CHECK: %[[X:.*]] = qfhe.quantize %arg0 : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<i8:f32, 7.812500e-03>>
// CHECK: %[[WI:.*]] = arith.constant dense<{{\[}}[64, 64], [-32, 127], [127, -32]]> : tensor<3x2xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WI]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {1.562500e-02,7.812500e-03}>>
// CHECK: %[[BI:.*]] = arith.constant dense<[4096, -4096]> : tensor<2xi32>
// CHECK: %[[B:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.220703125E-4,6.103515625E-5}>>
// CHECK: %[[ACCB:.*]] = qfhe.matmul %[[X]], %[[W]], %[[B]] : {{.*}} -> tensor<?x2x!quant.uniform<i32:f32:1, {1.220703125E-4,6.103515625E-5}>>
// CHECK: %[[RELU:.*]] = qfhe.apply %[[ACCB]] : tensor<?x2x!quant.uniform<i32:f32:1, {{.*}}>> -> tensor<?x2x!quant.uniform<i8:f32, {{.*}}:-128>> {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[V]], %[[ZERO]] : f32
// CHECK-NEXT: qfhe.yield %[[R]] : f32
// CHECK: %[[ACC2:.*]] = qfhe.matmul %[[RELU]], %{{.*}} : tensor<?x2x!quant.uniform<i8:f32, {{.*}}>>, tensor<2x1x!quant.uniform<i8<-127:127>:f32, {{.*}}>> -> tensor<?x1x!quant.uniform<i32:f32, {{.*}}>>
// CHECK: %[[OUT:.*]] = qfhe.requantize %[[ACC2]] : tensor<?x1x!quant.uniform<i32:f32, {{.*}}>> -> tensor<?x1x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[F:.*]] = qfhe.dequantize %[[OUT]] : tensor<?x1x!quant.uniform<i8:f32, {{.*}}>> -> tensor<?x1xf32>
// CHECK: return %[[F]]
func.func @mlp(%x: tensor<?x3xf32> {qfhe.range = array<f64: -1.0, 0.9921875>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 0.9921875], [1.984375, -0.25]]> : tensor<3x2xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %w2 = arith.constant dense<[[1.0], [-1.0]]> : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x3xf32>, tensor<3x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %t = arith.maximumf %in, %z : f32
    linalg.yield %t : f32
  } -> tensor<?x2xf32>
  %e2 = tensor.empty(%n) : tensor<?x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m2 = linalg.matmul ins(%r, %w2 : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %m2 : tensor<?x1xf32>
}
