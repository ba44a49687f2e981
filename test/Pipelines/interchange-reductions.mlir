// RUN: quant-opt %s --split-input-file --qfhe-interchange-reductions | FileCheck %s

// A matmul, loops (i, j, k), becomes a generic with loops (i, k, j).
// CHECK-DAG: #[[$A:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$B:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[W:.+]]: f32, %[[OUT:.+]]: f32):
// CHECK-NEXT:   %[[MUL:.+]] = arith.mulf %[[IN]], %[[W]] : f32
// CHECK-NEXT:   %[[ADD:.+]] = arith.addf %[[OUT]], %[[MUL]] : f32
// CHECK-NEXT:   linalg.yield %[[ADD]] : f32
func.func @matmul(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %init: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%init : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// The last parallel loop moves inside all the reduction loops; the others
// keep their order.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-LABEL: func.func @two_reductions
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$OUT]]], iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
#in = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
func.func @two_reductions(%x: tensor<2x3x4x5xf32>, %init: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x3x4x5xf32>) outs(%init : tensor<2x5xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Parallel innermost already, full reductions and elementwise ops stay.
// CHECK-LABEL: func.func @unchanged
// CHECK: linalg.reduce ins(%{{.*}} : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
// CHECK: linalg.reduce ins(%{{.*}} : tensor<?x4xf32>) outs(%{{.*}} : tensor<f32>) dimensions = [0, 1]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
func.func @unchanged(%x: tensor<?x4xf32>, %c: tensor<4xf32>, %s: tensor<f32>, %e: tensor<?x4xf32>) -> (tensor<4xf32>, tensor<f32>, tensor<?x4xf32>) {
  %0 = linalg.reduce ins(%x : tensor<?x4xf32>) outs(%c : tensor<4xf32>) dimensions = [0]
    (%a: f32, %acc: f32) {
      %m = arith.maxnumf %a, %acc : f32
      linalg.yield %m : f32
    }
  %1 = linalg.reduce ins(%x : tensor<?x4xf32>) outs(%s : tensor<f32>) dimensions = [0, 1]
    (%a: f32, %acc: f32) {
      %m = arith.maxnumf %a, %acc : f32
      linalg.yield %m : f32
    }
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<?x4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<f32>, tensor<?x4xf32>
}
