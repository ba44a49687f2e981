// RUN: quant-opt %s --qfhe-normalize --split-input-file | FileCheck %s

// TOSA lowers to linalg on tensors; named elementwise ops and reductions
// become linalg.generic (what the range analysis and the quantizer read).

// CHECK-LABEL: func @reduce_sum
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%arg0 : tensor<?x4x3xf32>) outs(%[[F]] : tensor<?x3xf32>)
// CHECK: arith.addf
// CHECK-NOT: tosa.
// CHECK-NOT: linalg.reduce
func.func @reduce_sum(%x: tensor<?x4x3xf32>) -> tensor<?x1x3xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<?x4x3xf32>) -> tensor<?x1x3xf32>
  return %s : tensor<?x1x3xf32>
}

// -----

// CHECK-LABEL: func @named_elementwise
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK-NOT: linalg.exp
// CHECK-NOT: linalg.mul
func.func @named_elementwise(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %b = linalg.mul ins(%a, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// Elementwise arith on whole tensors becomes linalg.generic too; a
// contraction stays a named op.
// CHECK-LABEL: func @tensor_arith
// CHECK: linalg.matmul
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @tensor_arith(%x: tensor<2x3xf32>, %w: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %z = arith.constant dense<0.0> : tensor<2x2xf32>
  %r = arith.maximumf %m, %z : tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
