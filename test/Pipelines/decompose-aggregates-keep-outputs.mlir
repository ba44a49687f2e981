// RUN: quant-opt %s --qfhe-decompose-aggregates=keep-outputs=true | FileCheck %s

// With keep-outputs, a softmax whose results only reach the function's
// results stays whole for the client: returned directly, or through a
// reshape and an elementwise op of one tensor (the log of LogSoftmax).
// CHECK-LABEL: func @log_softmax
// CHECK: %[[S:.*]] = linalg.softmax dimension(1)
// CHECK: %[[L:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<?x3xf32>)
// CHECK: math.log
// CHECK: %[[R:.*]] = tensor.expand_shape %[[L]]
// CHECK: return %[[R]]
func.func @log_softmax(%x: tensor<?x3xf32>) -> tensor<?x3x1xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %l = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %g = math.log %v : f32
    linalg.yield %g : f32
  } -> tensor<?x3xf32>
  %r = tensor.expand_shape %l [[0], [1, 2]] output_shape [%n, 3, 1] : tensor<?x3xf32> into tensor<?x3x1xf32>
  return %r : tensor<?x3x1xf32>
}

// A softmax that the program computes on (a matmul reads it) is decomposed.
// CHECK-LABEL: func @softmax_computed_on
// CHECK-NOT: linalg.softmax
// CHECK: math.exp
// CHECK: linalg.matmul
func.func @softmax_computed_on(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %z = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%s, %w : tensor<2x3xf32>, tensor<3x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
