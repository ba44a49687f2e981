// Results that share a buffer: a tensor and its (same-type) bitcast, and an
// argument returned as it is. quant-run copies every result before it frees
// the program's buffers, and never frees the caller's data.

// RUN: quant-run %s --data %S/Inputs/two_b.npy -o %t.0.npy -o %t.1.npy -o %t.2.npy \
// RUN:   --atol 0 --rtol 0 --compare %S/Inputs/two_expected1.npy \
// RUN:   --compare %S/Inputs/two_expected1.npy --compare %S/Inputs/two_b.npy \
// RUN: | FileCheck %s
// CHECK: compare result 0 with {{.*}}two_expected1.npy: 0 of 18 elements differ
// CHECK-NEXT: compare result 1 with {{.*}}two_expected1.npy: 0 of 18 elements differ
// CHECK-NEXT: compare result 2 with {{.*}}two_b.npy: 0 of 18 elements differ
// In batches, each batch's buffers are freed once.
// RUN: quant-run %s --data %S/Inputs/two_b.npy --batch-size 4 -o %t.b.npy
// RUN: cmp %t.b.npy %t.0.npy

#rows = affine_map<(d0, d1) -> (d0, d1)>
func.func @aliases(%b: tensor<?x3xi32>) -> (tensor<?x3xi32>, tensor<?x3xi32>, tensor<?x3xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %b, %c0 : tensor<?x3xi32>
  %ei = tensor.empty(%n) : tensor<?x3xi32>
  %three = arith.constant 3 : i32
  %one = arith.constant 1 : i32
  %affine = linalg.generic {indexing_maps = [#rows, #rows], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<?x3xi32>) outs(%ei : tensor<?x3xi32>) {
  ^bb0(%x: i32, %o: i32):
    %m = arith.muli %x, %three : i32
    %r = arith.addi %m, %one : i32
    linalg.yield %r : i32
  } -> tensor<?x3xi32>
  %same = tensor.bitcast %affine : tensor<?x3xi32> to tensor<?x3xi32>
  return %affine, %same, %b : tensor<?x3xi32>, tensor<?x3xi32>, tensor<?x3xi32>
}
