// RUN: quant-opt %s --qfhe-decompose-aggregates | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s --check-prefix=EXEC

// linalg.softmax becomes a max reduction, exp(x - max), a sum and a
// division, which qfhe-lower-to-llvm then lowers and runs.
// CHECK-LABEL: func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: arith.maxnumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// The input's type may differ from the output's (a size the canonicalizer
// made static): the input is cast to the output's type first, so that the
// generics of the decomposition verify (found by fuzzing).
// CHECK-LABEL: func @softmax_static_output
// CHECK: %[[X:.*]] = tensor.cast %{{.*}} : tensor<?x4xf32> to tensor<4x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<4x4xf32>)
// CHECK-NOT: linalg.softmax
func.func @softmax_static_output(%x: tensor<?x4xf32>) -> tensor<4x4xf32> {
  %e = tensor.empty() : tensor<4x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<?x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %s : tensor<4x4xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // Equal inputs share evenly; softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2].
  %x = arith.constant dense<[[1.0, 1.0, 1.0], [0.0, 0.0, 0.693147182]]> : tensor<2x3xf32>
  %s = call @softmax(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %u = tensor.cast %s : tensor<2x3xf32> to tensor<*xf32>
  // EXEC: [0.333333,   0.333333,   0.333333]
  // EXEC: [0.25,   0.25,   0.5]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
