// RUN: quant-opt %s --qfhe-normalize --split-input-file --verify-diagnostics | FileCheck %s

// The forms torch-mlir and TOSA write for ordinary layers become the forms
// the quantizer knows.

// torch-mlir's nn.Linear: weights in a dense_resource blob, transposed by
// linalg.transpose, then a plain matmul. The blob becomes a dense constant
// and the transpose folds into it.

// CHECK-LABEL: func @torch_linear
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: linalg.matmul ins(%arg0, %[[W]] : tensor<?x2xf32>, tensor<2x3xf32>)
// CHECK-NOT: dense_resource
// CHECK-NOT: linalg.transpose
func.func @torch_linear(%x: tensor<?x2xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense_resource<torch_tensor_3_2_torch.float32> : tensor<3x2xf32>
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %wt = linalg.transpose ins(%w : tensor<3x2xf32>) outs(%e : tensor<2x3xf32>) permutation = [1, 0]
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %o = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<?x3xf32>) -> tensor<?x3xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<?x2xf32>, tensor<2x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_3_2_torch.float32: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// A matmul whose indexing maps read the weights transposed ([N, K], as
// nn.Linear stores them): the transpose folds into the constant.

#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func @matmul_transposed_weights
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: linalg.matmul {qfhe.observed = [{max = 3.000000e+00 : f64, min = 0.000000e+00 : f64}]} ins(%arg0, %[[W]] : tensor<?x2xf32>, tensor<2x3xf32>)
// CHECK-NOT: indexing_maps
func.func @matmul_transposed_weights(%x: tensor<?x2xf32>, %init: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %y = linalg.matmul indexing_maps = [#a, #bt, #c]
      {qfhe.observed = [{min = 0.0 : f64, max = 3.0 : f64}]}
      ins(%x, %w : tensor<?x2xf32>, tensor<3x2xf32>) outs(%init : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// A transposed left operand that is not a constant is transposed explicitly.

#at = affine_map<(m, n, k) -> (k, m)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func @matmul_transposed_data
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<2x4xf32>) outs(%{{.*}} : tensor<4x2xf32>) permutation = [1, 0]
// CHECK: linalg.matmul ins(%[[T]], %arg1 : tensor<4x2xf32>, tensor<2x3xf32>)
func.func @matmul_transposed_data(%x: tensor<2x4xf32>, %w: tensor<2x3xf32>, %init: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %y = linalg.matmul indexing_maps = [#at, #b, #c]
      ins(%x, %w : tensor<2x4xf32>, tensor<2x3xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// tosa.matmul by a constant: a batch matmul of [1, N, K] by one [K, N']
// matrix becomes a 2-D matmul (which qfhe-allocate-bits may split in parts).

// CHECK-LABEL: func @tosa_linear
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x3xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x3xf32>)
// CHECK: linalg.matmul ins(%arg0, %[[W]] : tensor<?x2xf32>, tensor<2x3xf32>) outs(%[[F]] : tensor<?x3xf32>)
// CHECK-NOT: linalg.batch_matmul
func.func @tosa_linear(%x: tensor<?x2xf32>) -> tensor<?x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %s3 = tosa.const_shape {values = dense<[1, -1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s2 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %x3 = tosa.reshape %x, %s3 : (tensor<?x2xf32>, !tosa.shape<3>) -> tensor<1x?x2xf32>
  %m = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x?x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  %y = tosa.reshape %m, %s2 : (tensor<1x?x3xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// A batch matmul by different matrices per batch stays.

// CHECK-LABEL: func @batch_of_matrices
// CHECK: linalg.batch_matmul
func.func @batch_of_matrices(%x: tensor<2x4x2xf32>, %init: tensor<2x4x3xf32>) -> tensor<2x4x3xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x3xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<2x4x2xf32>, tensor<2x2x3xf32>) outs(%init : tensor<2x4x3xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

// A resource whose data is not in the file cannot be read.

func.func @missing_resource(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{cannot read the constant's data: resource 'absent_blob' is missing from the file's dialect_resources or does not hold 'tensor<2xf32>'}}
  %w = arith.constant dense_resource<absent_blob> : tensor<2xf32>
  %e = tensor.empty() : tensor<2xf32>
  %y = linalg.add ins(%x, %w : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// tosa.clamp to +-FLT_MAX as ReLU: the unbounded side is dropped, leaving a
// max with 0; a bounded clamp (ReLU6) keeps both sides.

// CHECK-LABEL: func @clamp_relu
// CHECK: linalg.generic
// CHECK-NOT: arith.minimumf
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.minimumf
// CHECK: linalg.generic
// CHECK: arith.minimumf
// CHECK: arith.maximumf
func.func @clamp_relu(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %r6 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r, %r6 : tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#hw = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
#wh = affine_map<(d0, d1, d2, d3) -> (d3, d2)>

// A constant per position ([H, W], as an average pool that excludes its
// padding divides by) becomes a constant along one dimension of the data
// collapsed to [N, C, H*W], expanded back after; constants along the same
// run collapse together. Transposed runs stay as they are.
// CHECK-LABEL: func @per_position
// CHECK-DAG: %[[D:.*]] = arith.constant dense<[4.000000e+00, 6.000000e+00, 6.000000e+00, 9.000000e+00, 6.000000e+00, 9.000000e+00]> : tensor<6xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : tensor<?x2x2x3xf32> into tensor<?x2x6xf32>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[ALONG:.*]], #[[ALONG]], #[[ID]]], {{.*}} ins(%[[C]], %[[D]], %[[B]] : tensor<?x2x6xf32>, tensor<6xf32>, tensor<6xf32>) outs(%{{.*}} : tensor<?x2x6xf32>)
// CHECK: arith.divf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[G]] {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 2, 2, 3] : tensor<?x2x6xf32> into tensor<?x2x2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[WH:.*]], #{{.*}}]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x2x2x3xf32>, tensor<3x2xf32>)
func.func @per_position(%x: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x2x3xf32>
  %e = tensor.empty(%n) : tensor<?x2x2x3xf32>
  %counts = arith.constant dense<[[4.0, 6.0, 6.0], [9.0, 6.0, 9.0]]> : tensor<2x3xf32>
  %bias = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #hw, #hw, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %counts, %bias : tensor<?x2x2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<?x2x2x3xf32>) {
  ^bb0(%v: f32, %c: f32, %b: f32, %o: f32):
    %q = arith.divf %v, %c : f32
    %s = arith.addf %q, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x2x2x3xf32>
  %t = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %z = linalg.generic {indexing_maps = [#id, #wh, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %t : tensor<?x2x2x3xf32>, tensor<3x2xf32>) outs(%e : tensor<?x2x2x3xf32>) {
  ^bb0(%v: f32, %c: f32, %o: f32):
    %q = arith.mulf %v, %c : f32
    linalg.yield %q : f32
  } -> tensor<?x2x2x3xf32>
  return %y, %z : tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>
}
