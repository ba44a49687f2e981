// RUN: quant-opt %s --split-input-file --qfhe-batch-contractions | FileCheck %s

// A dot product of 8 terms in 2 parts of 4: each part a matmul on the next
// slice of the input, with its own weights, starting from a broadcast of its
// own constants (part 1's a fill of 0, a splat). One generic computes both,
// the parts outermost; part p's result is the slice [p] of it.
// CHECK-DAG: #[[$X:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3 + d0 * 4)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_parts
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xi8>)
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{\[\[\[}}1, 2], [3, 4], [5, 6], [7, 8]], {{\[\[}}9, 10], [11, 12], [13, 14], [15, 16]]]> : tensor<2x4x2xi8>
// CHECK-DAG: %[[B:.+]] = arith.constant dense<{{\[\[}}1, -1], [0, 0]]> : tensor<2x2xi8>
// CHECK: %[[EMPTY:.+]] = tensor.empty(%{{.+}}) : tensor<2x?x2xi8>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2x2xi8>) outs(%[[EMPTY]] : tensor<2x?x2xi8>) dimensions = [1]
// CHECK: %[[ALL:.+]] = linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x8xi8>, tensor<2x4x2xi8>) outs(%[[INIT]] : tensor<2x?x2xi8>)
// CHECK-NEXT: ^bb0(%[[A:.+]]: i8, %[[C:.+]]: i8, %[[ACC:.+]]: i8):
// CHECK-NEXT:   %[[MUL:.+]] = arith.muli %[[A]], %[[C]] : i8
// CHECK-NEXT:   %[[ADD:.+]] = arith.addi %[[ACC]], %[[MUL]] : i8
// CHECK-NEXT:   linalg.yield %[[ADD]] : i8
// CHECK: %[[P0:.+]] = tensor.extract_slice %[[ALL]][0, 0, 0] [1, %{{.+}}, 2] [1, 1, 1] : tensor<2x?x2xi8> to tensor<?x2xi8>
// CHECK: %[[P1:.+]] = tensor.extract_slice %[[ALL]][1, 0, 0] [1, %{{.+}}, 2] [1, 1, 1] : tensor<2x?x2xi8> to tensor<?x2xi8>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[P0]], %[[P1]]
func.func @matmul_parts(%x: tensor<?x8xi8>) -> (tensor<?x2xi8>, tensor<?x2xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i8
  %w0 = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi8>
  %w1 = arith.constant dense<[[9, 10], [11, 12], [13, 14], [15, 16]]> : tensor<4x2xi8>
  %b0 = arith.constant dense<[1, -1]> : tensor<2xi8>
  %n = tensor.dim %x, %c0 : tensor<?x8xi8>
  %x0 = tensor.extract_slice %x[0, 0] [%n, 4] [1, 1] : tensor<?x8xi8> to tensor<?x4xi8>
  %e0 = tensor.empty(%n) : tensor<?x2xi8>
  %i0 = linalg.broadcast ins(%b0 : tensor<2xi8>) outs(%e0 : tensor<?x2xi8>) dimensions = [0]
  %p0 = linalg.matmul ins(%x0, %w0 : tensor<?x4xi8>, tensor<4x2xi8>) outs(%i0 : tensor<?x2xi8>) -> tensor<?x2xi8>
  %x1 = tensor.extract_slice %x[0, 4] [%n, 4] [1, 1] : tensor<?x8xi8> to tensor<?x4xi8>
  %e1 = tensor.empty(%n) : tensor<?x2xi8>
  %i1 = linalg.fill ins(%zero : i8) outs(%e1 : tensor<?x2xi8>) -> tensor<?x2xi8>
  %p1 = linalg.matmul ins(%x1, %w1 : tensor<?x4xi8>, tensor<4x2xi8>) outs(%i1 : tensor<?x2xi8>) -> tensor<?x2xi8>
  return %p0, %p1 : tensor<?x2xi8>, tensor<?x2xi8>
}

// -----

// Convolutions on one input channel each (parts of a dot product over the
// channels): the input read at channel d0 + d5, the weights stacked.
// CHECK-DAG: #[[$X:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d0 + d5, d3 + d6, d4 + d7)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d2, d5, d6, d7)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv_parts
// CHECK: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<3x2x1x2x2xi8>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : i8) outs(%{{.+}} : tensor<3x?x2x3x3xi8>)
// CHECK: %[[ALL:.+]] = linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %[[W]] : tensor<?x3x4x4xi8>, tensor<3x2x1x2x2xi8>) outs(%[[INIT]] : tensor<3x?x2x3x3xi8>)
// CHECK-COUNT-3: tensor.extract_slice %[[ALL]]
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_parts(%x: tensor<?x3x4x4xi8>) -> (tensor<?x2x3x3xi8>, tensor<?x2x3x3xi8>, tensor<?x2x3x3xi8>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i8
  %w0 = arith.constant dense<1> : tensor<2x1x2x2xi8>
  %w1 = arith.constant dense<2> : tensor<2x1x2x2xi8>
  %w2 = arith.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8>
  %n = tensor.dim %x, %c0 : tensor<?x3x4x4xi8>
  %e = tensor.empty(%n) : tensor<?x2x3x3xi8>
  %f0 = linalg.fill ins(%zero : i8) outs(%e : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  %x0 = tensor.extract_slice %x[0, 0, 0, 0] [%n, 1, 4, 4] [1, 1, 1, 1] : tensor<?x3x4x4xi8> to tensor<?x1x4x4xi8>
  %p0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x0, %w0 : tensor<?x1x4x4xi8>, tensor<2x1x2x2xi8>) outs(%f0 : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  %f1 = linalg.fill ins(%zero : i8) outs(%e : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  %x1 = tensor.extract_slice %x[0, 1, 0, 0] [%n, 1, 4, 4] [1, 1, 1, 1] : tensor<?x3x4x4xi8> to tensor<?x1x4x4xi8>
  %p1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x1, %w1 : tensor<?x1x4x4xi8>, tensor<2x1x2x2xi8>) outs(%f1 : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  %f2 = linalg.fill ins(%zero : i8) outs(%e : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  %x2 = tensor.extract_slice %x[0, 2, 0, 0] [%n, 1, 4, 4] [1, 1, 1, 1] : tensor<?x3x4x4xi8> to tensor<?x1x4x4xi8>
  %p2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x2, %w2 : tensor<?x1x4x4xi8>, tensor<2x1x2x2xi8>) outs(%f2 : tensor<?x2x3x3xi8>) -> tensor<?x2x3x3xi8>
  return %p0, %p1, %p2 : tensor<?x2x3x3xi8>, tensor<?x2x3x3xi8>, tensor<?x2x3x3xi8>
}

// -----

// An uneven split: parts of 4, 4 and 2 terms. The last part has other
// types and stays a matmul of its own; the first two are batched.
// CHECK-LABEL: func.func @uneven_parts
// CHECK: %[[ALL:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<4x10xi8>, tensor<2x4x3xi8>) outs(%{{.+}} : tensor<2x4x3xi8>)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x2xi8>, tensor<2x3xi8>)
// CHECK-NOT: linalg.matmul
func.func @uneven_parts(%x: tensor<4x10xi8>, %init: tensor<4x3xi8>) -> (tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>) {
  %w0 = arith.constant dense<1> : tensor<4x3xi8>
  %w1 = arith.constant dense<2> : tensor<4x3xi8>
  %w2 = arith.constant dense<3> : tensor<2x3xi8>
  %x0 = tensor.extract_slice %x[0, 0] [4, 4] [1, 1] : tensor<4x10xi8> to tensor<4x4xi8>
  %p0 = linalg.matmul ins(%x0, %w0 : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %x1 = tensor.extract_slice %x[0, 4] [4, 4] [1, 1] : tensor<4x10xi8> to tensor<4x4xi8>
  %p1 = linalg.matmul ins(%x1, %w1 : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %x2 = tensor.extract_slice %x[0, 8] [4, 2] [1, 1] : tensor<4x10xi8> to tensor<4x2xi8>
  %p2 = linalg.matmul ins(%x2, %w2 : tensor<4x2xi8>, tensor<2x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  return %p0, %p1, %p2 : tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>
}

// -----

// The same input for every part, weights of its own: the input is read
// without the parts' dimension, the shared initial value broadcast to each.
// CHECK-DAG: #[[$X:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-LABEL: func.func @shared_input
// CHECK-SAME: (%[[X:.+]]: tensor<4x4xf32>, %[[INIT:.+]]: tensor<4x3xf32>)
// CHECK: %[[STACKED:.+]] = linalg.broadcast ins(%[[INIT]] : tensor<4x3xf32>) outs(%{{.+}} : tensor<2x4x3xf32>) dimensions = [0]
// CHECK: linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #{{.+}}]
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<4x4xf32>, tensor<2x4x3xf32>) outs(%[[STACKED]] : tensor<2x4x3xf32>)
func.func @shared_input(%x: tensor<4x4xf32>, %init: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w0 = arith.constant dense<1.0> : tensor<4x3xf32>
  %w1 = arith.constant dense<2.0> : tensor<4x3xf32>
  %p0 = linalg.matmul ins(%x, %w0 : tensor<4x4xf32>, tensor<4x3xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %p1 = linalg.matmul ins(%x, %w1 : tensor<4x4xf32>, tensor<4x3xf32>) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %p0, %p1 : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// Left alone: slices of two tensors; offsets that do not advance by one
// step (0, 4, 6); weights that are not constants; matmuls on the same
// values (CSE's to merge); an op without reduction loops.
// CHECK-LABEL: func.func @not_batched
// CHECK-COUNT-9: linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: linalg.add
func.func @not_batched(%x: tensor<4x8xi8>, %y: tensor<4x8xi8>, %w: tensor<4x3xi8>, %v: tensor<4x3xi8>, %init: tensor<4x3xi8>) -> (tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>) {
  %c1 = arith.constant dense<1> : tensor<4x3xi8>
  %c2 = arith.constant dense<2> : tensor<4x3xi8>
  %c3 = arith.constant dense<3> : tensor<4x3xi8>
  %x0 = tensor.extract_slice %x[0, 0] [4, 4] [1, 1] : tensor<4x8xi8> to tensor<4x4xi8>
  %y1 = tensor.extract_slice %y[0, 4] [4, 4] [1, 1] : tensor<4x8xi8> to tensor<4x4xi8>
  %a0 = linalg.matmul ins(%x0, %c1 : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %a1 = linalg.matmul ins(%y1, %c2 : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %z = tensor.empty() : tensor<4x12xi8>
  %z0 = tensor.extract_slice %z[0, 0] [4, 4] [1, 1] : tensor<4x12xi8> to tensor<4x4xi8>
  %z1 = tensor.extract_slice %z[0, 4] [4, 4] [1, 1] : tensor<4x12xi8> to tensor<4x4xi8>
  %z2 = tensor.extract_slice %z[0, 6] [4, 4] [1, 1] : tensor<4x12xi8> to tensor<4x4xi8>
  %b0 = linalg.matmul ins(%z0, %w : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %b1 = linalg.matmul ins(%z1, %v : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %b2 = linalg.matmul ins(%z2, %c3 : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %x1 = tensor.extract_slice %x[0, 4] [4, 4] [1, 1] : tensor<4x8xi8> to tensor<4x4xi8>
  %d0 = linalg.matmul ins(%x1, %w : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %d1 = linalg.matmul ins(%x1, %w : tensor<4x4xi8>, tensor<4x3xi8>) outs(%init : tensor<4x3xi8>) -> tensor<4x3xi8>
  %x2 = tensor.extract_slice %x[1, 0] [3, 4] [1, 1] : tensor<4x8xi8> to tensor<3x4xi8>
  %x3 = tensor.extract_slice %x[1, 4] [3, 4] [1, 1] : tensor<4x8xi8> to tensor<3x4xi8>
  %i3 = tensor.extract_slice %init[1, 0] [3, 3] [1, 1] : tensor<4x3xi8> to tensor<3x3xi8>
  %e0 = linalg.matmul ins(%x2, %c1 : tensor<3x4xi8>, tensor<4x3xi8>) outs(%i3 : tensor<3x3xi8>) -> tensor<3x3xi8>
  %e1 = linalg.matmul ins(%x3, %c2 : tensor<3x4xi8>, tensor<4x3xi8>) outs(%i3 : tensor<3x3xi8>) -> tensor<3x3xi8>
  %s = tensor.empty() : tensor<4x3xi8>
  %sum = linalg.add ins(%a0, %a1 : tensor<4x3xi8>, tensor<4x3xi8>) outs(%s : tensor<4x3xi8>) -> tensor<4x3xi8>
  %e0w = tensor.insert_slice %e0 into %init[1, 0] [3, 3] [1, 1] : tensor<3x3xi8> into tensor<4x3xi8>
  %e1w = tensor.insert_slice %e1 into %init[1, 0] [3, 3] [1, 1] : tensor<3x3xi8> into tensor<4x3xi8>
  return %a0, %a1, %b0, %b1, %b2, %d0, %d1, %sum, %e0w, %e1w : tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>, tensor<4x3xi8>
}

// -----

// Broadcast initial values as generics (after qfhe-generalize-elementwise
// and fusion), one of them a generic fill of a constant.
// CHECK-LABEL: func.func @generic_inits
// CHECK: %[[B:.+]] = arith.constant dense<{{\[\[}}1, 2], [7, 7]]> : tensor<2x2xi8>
// CHECK: linalg.broadcast ins(%[[B]] : tensor<2x2xi8>) outs(%{{.+}} : tensor<2x?x2xi8>) dimensions = [1]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
#row = affine_map<(d0, d1) -> (d1)>
#all = affine_map<(d0, d1) -> (d0, d1)>
func.func @generic_inits(%x: tensor<?x8xi8>) -> (tensor<?x2xi8>, tensor<?x2xi8>) {
  %c0 = arith.constant 0 : index
  %seven = arith.constant 7 : i8
  %w = arith.constant dense<1> : tensor<4x2xi8>
  %v = arith.constant dense<2> : tensor<4x2xi8>
  %b0 = arith.constant dense<[1, 2]> : tensor<2xi8>
  %n = tensor.dim %x, %c0 : tensor<?x8xi8>
  %e = tensor.empty(%n) : tensor<?x2xi8>
  %i0 = linalg.generic {indexing_maps = [#row, #all], iterator_types = ["parallel", "parallel"]} ins(%b0 : tensor<2xi8>) outs(%e : tensor<?x2xi8>) {
  ^bb0(%in: i8, %out: i8):
    linalg.yield %in : i8
  } -> tensor<?x2xi8>
  %i1 = linalg.generic {indexing_maps = [#all], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x2xi8>) {
  ^bb0(%out: i8):
    linalg.yield %seven : i8
  } -> tensor<?x2xi8>
  %x0 = tensor.extract_slice %x[0, 0] [%n, 4] [1, 1] : tensor<?x8xi8> to tensor<?x4xi8>
  %x1 = tensor.extract_slice %x[0, 4] [%n, 4] [1, 1] : tensor<?x8xi8> to tensor<?x4xi8>
  %p0 = linalg.matmul ins(%x0, %w : tensor<?x4xi8>, tensor<4x2xi8>) outs(%i0 : tensor<?x2xi8>) -> tensor<?x2xi8>
  %p1 = linalg.matmul ins(%x1, %v : tensor<?x4xi8>, tensor<4x2xi8>) outs(%i1 : tensor<?x2xi8>) -> tensor<?x2xi8>
  return %p0, %p1 : tensor<?x2xi8>, tensor<?x2xi8>
}
