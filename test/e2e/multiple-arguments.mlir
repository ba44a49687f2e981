// Several arguments (one --data each, in order) and several results (one
// -o and one --compare each, in order). The int16 data feeds the i32
// argument exactly; the i32 result is written as int32.

// RUN: quant-run %s --data %S/Inputs/two_a.npy --data %S/Inputs/two_b.npy \
// RUN:   -o %t.0.npy -o %t.1.npy --atol 0 --rtol 0 \
// RUN:   --compare %S/Inputs/two_expected0.npy --compare %S/Inputs/two_expected1.npy \
// RUN: | FileCheck %s
// CHECK: samples: 6
// CHECK-NEXT: compare result 0 with {{.*}}two_expected0.npy: 0 of 18 elements differ (atol 0, rtol 0), max abs error 0
// CHECK-NEXT: compare result 1 with {{.*}}two_expected1.npy: 0 of 18 elements differ (atol 0, rtol 0), max abs error 0
// RUN: cmp %t.0.npy %S/Inputs/two_expected0.npy
// RUN: cmp %t.1.npy %S/Inputs/two_expected1.npy

// Fewer -o than results writes the first ones; batches of 4 give the same.
// RUN: quant-run %s --data %S/Inputs/two_a.npy --data %S/Inputs/two_b.npy -o %t.first.npy --batch-size 4
// RUN: cmp %t.first.npy %S/Inputs/two_expected0.npy

// RUN: not quant-run %s --data %S/Inputs/two_a.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: quant-run: error: @twice_and_affine takes 2 arguments but 1 data file was given (one --data per argument, in order)
// RUN: not quant-run %s --data %S/Inputs/two_a.npy --data %S/Inputs/mlp_expected.npy 2>&1 \
// RUN: | FileCheck %s --check-prefix=SAMPLES
// SAMPLES: quant-run: error: {{.*}}mlp_expected.npy has 10 samples but {{.*}}two_a.npy has 6
// RUN: not quant-run %s --data %S/Inputs/two_a.npy --data %S/Inputs/two_b.npy \
// RUN:   -o %t.a.npy -o %t.b.npy -o %t.c.npy 2>&1 | FileCheck %s --check-prefix=OUTPUTS
// OUTPUTS: quant-run: error: 3 output files (-o) for the 2 results of @twice_and_affine
// RUN: not quant-run %s --data %S/Inputs/two_a.npy --data %S/Inputs/two_b.npy \
// RUN:   --compare %S/Inputs/two_expected1.npy 2>&1 | FileCheck %s --check-prefix=COMPARE
// COMPARE: compare result 0 with {{.*}}two_expected1.npy: {{[0-9]+}} of 18 elements differ
// COMPARE: quant-run: error: the results differ from the expected arrays beyond the tolerance

#rows = affine_map<(d0, d1) -> (d0, d1)>
func.func @twice_and_affine(%a: tensor<?x3xf32>, %b: tensor<?x3xi32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x3xf32>
  %ef = tensor.empty(%n) : tensor<?x3xf32>
  %ei = tensor.empty(%n) : tensor<?x3xi32>
  %two = arith.constant 2.0 : f32
  %three = arith.constant 3 : i32
  %one = arith.constant 1 : i32
  %twice = linalg.generic {indexing_maps = [#rows, #rows], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x3xf32>) outs(%ef : tensor<?x3xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %two : f32
    linalg.yield %r : f32
  } -> tensor<?x3xf32>
  %affine = linalg.generic {indexing_maps = [#rows, #rows], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<?x3xi32>) outs(%ei : tensor<?x3xi32>) {
  ^bb0(%x: i32, %o: i32):
    %m = arith.muli %x, %three : i32
    %r = arith.addi %m, %one : i32
    linalg.yield %r : i32
  } -> tensor<?x3xi32>
  return %twice, %affine : tensor<?x3xf32>, tensor<?x3xi32>
}
