// RUN: quant-opt %s --split-input-file --qfhe-normalize --qfhe-infer-ranges --qfhe-quantize | FileCheck %s

// Products in the float program: x * y of two encrypted tensors becomes
// qfhe.mul of activations one bit narrower than the default 8 (their sum
// then fits 8 bits in the integer lowering); x * x becomes a table like
// any activation; a broadcast factor is read through linalg.broadcast.

// A gate: relu(x W1) * tanh(x W2). Each factor is a table on its
// accumulator, to 7 bits; the product is requantized to 8.
// CHECK-LABEL: func @gated
// CHECK: %[[R:.*]] = qfhe.apply %{{.*}} -> tensor<?x4x!quant.uniform<i7:f32, {{.*}}>>
// CHECK: arith.maximumf
// CHECK: %[[G:.*]] = qfhe.apply %{{.*}} -> tensor<?x4x!quant.uniform<i7:f32, {{.*}}>>
// CHECK: math.tanh
// CHECK: qfhe.mul %[[R]], %[[G]] : tensor<?x4x!quant.uniform<i7:f32, {{.*}}>>, tensor<?x4x!quant.uniform<i7:f32, {{.*}}>> -> tensor<?x4x!quant.uniform<i8:f32, {{.*}}>>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @gated(%x: tensor<?x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %w1 = arith.constant dense<[[0.5, -0.25, 1.0, 0.75], [0.25, 0.5, -0.5, 1.0]]> : tensor<2x4xf32>
  %w2 = arith.constant dense<[[1.0, 0.5, -1.0, 0.25], [-0.5, 0.75, 0.5, 0.5]]> : tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %u = linalg.matmul ins(%x, %w1 : tensor<?x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %v = linalg.matmul ins(%x, %w2 : tensor<?x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.tanh %a : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  %h = linalg.mul ins(%r, %g : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %h : tensor<?x4xf32>
}

// -----

// A square activation: normalize reads z once, so z * z is a function of
// one tensor, tabulated on the accumulator.
// CHECK-LABEL: func @square
// CHECK: %[[Z:.*]] = qfhe.matmul
// CHECK: qfhe.apply %[[Z]]
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32):
// CHECK-NEXT: arith.mulf %[[V]], %[[V]] : f32
// CHECK-NOT: qfhe.mul
func.func @square(%x: tensor<?x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %w1 = arith.constant dense<[[0.5, -0.25, 1.0, 0.75], [0.25, 0.5, -0.5, 1.0]]> : tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %z = linalg.matmul ins(%x, %w1 : tensor<?x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %s = linalg.mul ins(%z, %z : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %w2 = arith.constant dense<[[1.0], [-0.5], [0.25], [0.5]]> : tensor<4x1xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %acc1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %y = linalg.matmul ins(%s, %w2 : tensor<?x4xf32>, tensor<4x1xf32>) outs(%acc1 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

// A factor of shape [N, 1] broadcast along the columns (as ONNX writes
// it): its accumulator is requantized to 7 bits, collapsed and broadcast;
// the other factor, an accumulator too, is requantized to 7 bits.
// CHECK-LABEL: func @broadcast
// CHECK-DAG: %[[U:.*]] = qfhe.requantize %{{.*}} -> tensor<?x4x!quant.uniform<i7:f32, {{.*}}>>
// CHECK-DAG: %[[V:.*]] = qfhe.requantize %{{.*}} -> tensor<?x1x!quant.uniform<i7:f32, {{.*}}>>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[V]] {{\[}}[0, 1]]
// CHECK: %[[B:.*]] = linalg.broadcast ins(%[[C]] : tensor<?x!quant.uniform<i7:f32, {{.*}}>>) outs(%{{.*}} : tensor<?x4x!quant.uniform<i7:f32, {{.*}}>>) dimensions = [1]
// CHECK: qfhe.mul %[[U]], %[[B]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0, 0)>
func.func @broadcast(%x: tensor<?x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %w1 = arith.constant dense<[[0.5, -0.25, 1.0, 0.75], [0.25, 0.5, -0.5, 1.0]]> : tensor<2x4xf32>
  %w2 = arith.constant dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %acc1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %u = linalg.matmul ins(%x, %w1 : tensor<?x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %v = linalg.matmul ins(%x, %w2 : tensor<?x2xf32>, tensor<2x1xf32>) outs(%acc1 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %h = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%u, %v : tensor<?x4xf32>, tensor<?x1xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  return %h : tensor<?x4xf32>
}
