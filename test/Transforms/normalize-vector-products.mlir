// Matrix-vector products become matrix products (the form the quantizer
// knows): matvec(A, x) = A @ x[4, 1] with a data matrix (rows are samples),
// vecmat(x, A) = x[1, 4] @ A, and matvec(A, x) with a constant A and a data
// vector = x[1, 4] @ A^T. The results do not change.
// RUN: quant-opt %S/Inputs/vector_products.mlir --qfhe-normalize | FileCheck %s
// RUN: quant-opt %S/Inputs/vector_products.mlir --qfhe-normalize --qfhe-quantize \
// RUN: | FileCheck %s --check-prefix=QUANTIZED
// RUN: cat %S/Inputs/vector_products.mlir %s | quant-opt --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s --check-prefix=EXEC
// RUN: cat %S/Inputs/vector_products.mlir %s | quant-opt --qfhe-normalize \
// RUN: | quant-opt --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s --check-prefix=EXEC

// CHECK-LABEL: func @matvec
// CHECK: linalg.matmul ins(%arg0, %{{.*}} : tensor<?x4xf32>, tensor<4x1xf32>) outs(%{{.*}} : tensor<?x1xf32>)
// CHECK: tensor.collapse_shape
// CHECK-LABEL: func @vecmat
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x2xf32>)
// CHECK-LABEL: func @matvec_weights
// CHECK: %[[AT:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 1.000000e+00], [-2.500000e-01, 5.000000e-01], [7.500000e-01, -1.000000e+00], [1.250000e-01, 2.500000e-01]]> : tensor<4x2xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[AT]] : tensor<1x4xf32>, tensor<4x2xf32>)
// CHECK-NOT: linalg.matvec
// CHECK-NOT: linalg.vecmat
// QUANTIZED-COUNT-3: qfhe.matmul

// Row 0: 0.5 - 0.75 + 0.0625 = -0.1875; row 1: 0.5 * 1.125 = 0.5625.
// EXEC: [-0.1875,  0.5625]
// x [1, 0, -1, 0.5] through both columns: [-0.1875, 2.125], twice.
// EXEC: [-0.1875,  2.125]
// EXEC: [-0.1875,  2.125]
func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %rows = arith.constant dense<[[1.0, 0.0, -1.0, 0.5], [0.5, 0.5, 0.5, 0.5]]> : tensor<2x4xf32>
  %dyn = tensor.cast %rows : tensor<2x4xf32> to tensor<?x4xf32>
  %a = call @matvec(%dyn) : (tensor<?x4xf32>) -> tensor<?xf32>
  %a1 = tensor.cast %a : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%a1) : (tensor<*xf32>) -> ()
  %x = arith.constant dense<[1.0, 0.0, -1.0, 0.5]> : tensor<4xf32>
  %b = call @vecmat(%x) : (tensor<4xf32>) -> tensor<2xf32>
  %b1 = tensor.cast %b : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%b1) : (tensor<*xf32>) -> ()
  %c = call @matvec_weights(%x) : (tensor<4xf32>) -> tensor<2xf32>
  %c1 = tensor.cast %c : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%c1) : (tensor<*xf32>) -> ()
  return
}
