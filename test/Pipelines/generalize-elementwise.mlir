// RUN: quant-opt %s --split-input-file --qfhe-generalize-elementwise | FileCheck %s
// RUN: quant-opt %s --split-input-file --qfhe-generalize-elementwise --linalg-fuse-elementwise-ops | FileCheck %s --check-prefix=FUSED

// The sum of two rounded parts, as qfhe-to-linalg writes a split dot
// product: the linalg.add becomes a generic, and fusion then makes the
// roundings and the sum one loop nest.
// CHECK-LABEL: func.func @rounded_parts
// CHECK-NOT: linalg.add
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK-NEXT: ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
// CHECK-NEXT: %[[S:.+]] = arith.addi %[[A]], %[[B]] : i8
// CHECK-NEXT: linalg.yield %[[S]] : i8
// FUSED-LABEL: func.func @rounded_parts
// FUSED: linalg.generic
// FUSED-SAME: ins(%{{.+}}, %{{.+}} : tensor<?x64xi8>, tensor<?x64xi8>)
// FUSED: arith.shrsi
// FUSED: arith.shrsi
// FUSED: arith.addi
// FUSED-NEXT: linalg.yield
// FUSED-NOT: linalg.generic
// FUSED: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @rounded_parts(%a: tensor<?x64xi8>, %b: tensor<?x64xi8>) -> tensor<?x64xi8> {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : i8
  %n = tensor.dim %a, %c0 : tensor<?x64xi8>
  %e = tensor.empty(%n) : tensor<?x64xi8>
  %ra = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x64xi8>) outs(%e : tensor<?x64xi8>) {
  ^bb0(%x: i8, %o: i8):
    %r = arith.shrsi %x, %c3 : i8
    linalg.yield %r : i8
  } -> tensor<?x64xi8>
  %rb = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<?x64xi8>) outs(%e : tensor<?x64xi8>) {
  ^bb0(%x: i8, %o: i8):
    %r = arith.shrsi %x, %c3 : i8
    linalg.yield %r : i8
  } -> tensor<?x64xi8>
  %sum = linalg.add ins(%ra, %rb : tensor<?x64xi8>, tensor<?x64xi8>) outs(%e : tensor<?x64xi8>) -> tensor<?x64xi8>
  return %sum : tensor<?x64xi8>
}

// -----

// Broadcasts and maps become generics; ops with a reduction loop (matmul,
// reduce) stay named.
// CHECK-LABEL: func.func @named
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: linalg.matmul
// CHECK: linalg.reduce
func.func @named(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %bias: tensor<3xf32>) -> (tensor<4x3xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4x3xf32>
  %b = linalg.broadcast ins(%bias : tensor<3xf32>) outs(%e : tensor<4x3xf32>) dimensions = [0]
  %ex = tensor.empty() : tensor<4x8xf32>
  %neg = linalg.map { arith.negf } ins(%x : tensor<4x8xf32>) outs(%ex : tensor<4x8xf32>)
  %mm = linalg.matmul ins(%neg, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%b : tensor<4x3xf32>) -> tensor<4x3xf32>
  %er = tensor.empty() : tensor<4xf32>
  %r = linalg.reduce { arith.addf } ins(%x : tensor<4x8xf32>) outs(%er : tensor<4xf32>) dimensions = [1]
  return %mm, %r : tensor<4x3xf32>, tensor<4xf32>
}
