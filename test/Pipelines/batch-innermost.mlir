// RUN: quant-opt %s --split-input-file --qfhe-batch-innermost | FileCheck %s
// RUN: quant-opt %s --split-input-file --qfhe-batch-innermost="max-inner-trip-count=3" | FileCheck %s --check-prefix=NARROW

// A convolution whose output rows are 4 wide: its input and its bias
// broadcast are built with the batch last, the batch loop runs innermost
// (the last of its loops, parallel), and the result is transposed back.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$LAST:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3, d0)>
// CHECK-DAG: #[[$BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0)>
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d2, d1 + d3, d4 + d5, d6)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3, d4)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d5, d6)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.+]]: tensor<?x2x6x6xi8>, %[[W:.+]]: tensor<4x2x3x3xi8>, %[[B:.+]]: tensor<4xi8>)
// CHECK: %[[XT:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$LAST]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<?x2x6x6xi8>) outs(%{{.+}} : tensor<2x6x6x?xi8>)
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$BIAS]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[B]] : tensor<4xi8>) outs(%{{.+}} : tensor<4x4x4x?xi8>)
// CHECK-NOT: linalg.broadcast
// CHECK: %[[CONV:.+]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$W]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%[[XT]], %[[W]] : tensor<2x6x6x?xi8>, tensor<4x2x3x3xi8>) outs(%[[INIT]] : tensor<4x4x4x?xi8>)
// CHECK:   arith.muli
// CHECK:   arith.addi
// CHECK: %[[BACK:.+]] = linalg.generic {indexing_maps = [#[[$LAST]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[CONV]] : tensor<4x4x4x?xi8>) outs(%{{.+}} : tensor<?x4x4x4xi8>)
// CHECK: return %[[BACK]]
#in = affine_map<(n, f, oh, c, kh, kw, ow) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, oh, c, kh, kw, ow) -> (f, c, kh, kw)>
#out = affine_map<(n, f, oh, c, kh, kw, ow) -> (n, f, oh, ow)>
func.func @conv(%x: tensor<?x2x6x6xi8>, %w: tensor<4x2x3x3xi8>, %b: tensor<4xi8>) -> tensor<?x4x4x4xi8> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x6x6xi8>
  %e = tensor.empty(%n) : tensor<?x4x4x4xi8>
  %init = linalg.broadcast ins(%b : tensor<4xi8>) outs(%e : tensor<?x4x4x4xi8>) dimensions = [0, 2, 3]
  %r = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]} ins(%x, %w : tensor<?x2x6x6xi8>, tensor<4x2x3x3xi8>) outs(%init : tensor<?x4x4x4xi8>) {
  ^bb0(%a: i8, %bb: i8, %o: i8):
    %m = arith.muli %a, %bb : i8
    %s = arith.addi %o, %m : i8
    linalg.yield %s : i8
  } -> tensor<?x4x4x4xi8>
  return %r : tensor<?x4x4x4xi8>
}


// -----

// The parts of a split dot product (qfhe-batch-contractions): the slices
// of the result are taken of the batch-last result, and the sum of the
// parts reads them through the transpose, fused into it.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$T:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[$ACC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @parts
// CHECK: %[[DOT:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[$ACC]]], iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%{{.+}}, %{{.+}} : tensor<6x?xf32>, tensor<2x3x5xf32>) outs(%{{.+}} : tensor<2x5x?xf32>)
// CHECK: %[[S0:.+]] = tensor.extract_slice %[[DOT]][0, 0, 0] [1, 5, %{{.+}}] [1, 1, 1] : tensor<2x5x?xf32> to tensor<5x?xf32>
// CHECK: %[[S1:.+]] = tensor.extract_slice %[[DOT]][1, 0, 0] [1, 5, %{{.+}}] [1, 1, 1] : tensor<2x5x?xf32> to tensor<5x?xf32>
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$T]], #[[$T]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[S0]], %[[S1]] : tensor<5x?xf32>, tensor<5x?xf32>) outs(%{{.+}} : tensor<?x5xf32>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   %[[ADD:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:   linalg.yield %[[ADD]]
// CHECK: return %[[SUM]]
// With at most 3 iterations innermost, 5-wide rows stay as they are.
// NARROW-LABEL: func.func @parts
// NARROW-NOT: tensor<2x5x?xf32>

#x = affine_map<(p, n, k, o) -> (n, k + p * 3)>
#w = affine_map<(p, n, k, o) -> (p, k, o)>
#acc = affine_map<(p, n, k, o) -> (p, n, o)>
#id = affine_map<(n, o) -> (n, o)>
func.func @parts(%x: tensor<?x6xf32>, %w: tensor<2x3x5xf32>, %init: tensor<2x?x5xf32>) -> tensor<?x5xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %init, %c1 : tensor<2x?x5xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #acc], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%x, %w : tensor<?x6xf32>, tensor<2x3x5xf32>) outs(%init : tensor<2x?x5xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x?x5xf32>
  %s0 = tensor.extract_slice %r[0, 0, 0] [1, %n, 5] [1, 1, 1] : tensor<2x?x5xf32> to tensor<?x5xf32>
  %s1 = tensor.extract_slice %r[1, 0, 0] [1, %n, 5] [1, 1, 1] : tensor<2x?x5xf32> to tensor<?x5xf32>
  %e = tensor.empty(%n) : tensor<?x5xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%s0, %s1 : tensor<?x5xf32>, tensor<?x5xf32>) outs(%e : tensor<?x5xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %s = arith.addf %a, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x5xf32>
  return %sum : tensor<?x5xf32>
}


// -----

// Left as they are: a static batch, rows wider than 16, a batch inside a
// window expression, an op without reduction.
// CHECK-LABEL: func.func @static_batch
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<8x6xf32>, tensor<6x5xf32>) outs(%arg2 : tensor<8x5xf32>)
// CHECK-LABEL: func.func @wide_rows
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<?x6xf32>, tensor<6x17xf32>) outs(%arg2 : tensor<?x17xf32>)
// CHECK-LABEL: func.func @batch_in_window
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<?x5xf32>, tensor<6x5xf32>) outs(%arg2 : tensor<?x5xf32>)
// CHECK-LABEL: func.func @elementwise
// CHECK-NEXT: linalg.generic {{.*}} ins(%arg0 : tensor<?x5xf32>) outs(%arg1 : tensor<?x5xf32>)

#x = affine_map<(n, k, o) -> (n, k)>
#w = affine_map<(n, k, o) -> (k, o)>
#acc = affine_map<(n, k, o) -> (n, o)>
func.func @static_batch(%x: tensor<8x6xf32>, %w: tensor<6x5xf32>, %init: tensor<8x5xf32>) -> tensor<8x5xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #acc], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<8x6xf32>, tensor<6x5xf32>) outs(%init : tensor<8x5xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x5xf32>
  return %r : tensor<8x5xf32>
}

func.func @wide_rows(%x: tensor<?x6xf32>, %w: tensor<6x17xf32>, %init: tensor<?x17xf32>) -> tensor<?x17xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #acc], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<?x6xf32>, tensor<6x17xf32>) outs(%init : tensor<?x17xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x17xf32>
  return %r : tensor<?x17xf32>
}

#mixed = affine_map<(n, k, o) -> (n + k, o)>
func.func @batch_in_window(%x: tensor<?x5xf32>, %w: tensor<6x5xf32>, %init: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %r = linalg.generic {indexing_maps = [#mixed, #w, #acc], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<?x5xf32>, tensor<6x5xf32>) outs(%init : tensor<?x5xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %m = arith.mulf %a, %bb : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}

#id = affine_map<(n, o) -> (n, o)>
func.func @elementwise(%x: tensor<?x5xf32>, %init: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x5xf32>) outs(%init : tensor<?x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}
