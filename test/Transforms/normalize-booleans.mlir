// qfhe-normalize fuses an elementwise generic into its user when the user
// reads it as a boolean tensor (a comparison), or when every tensor the
// user reads is an elementwise function of one tensor: torch.where(h > 0,
// h, 0.1 * h) and h * sigmoid(h) each become one function of h, one table
// (before: an i1 tensor the quantizer has no form for, and a product of two
// encrypted tensors). The normalized program computes what the original
// does.
// RUN: quant-opt %S/Inputs/booleans.mlir --qfhe-normalize | FileCheck %s
// RUN: quant-opt %S/Inputs/booleans.mlir --qfhe-normalize --qfhe-quantize \
// RUN: | FileCheck %s --check-prefix=QUANTIZED
// RUN: rm -rf %t && mkdir -p %t
// RUN: quant-run %S/Inputs/booleans.mlir --data %S/Inputs/tensor_pairs_a.npy -o %t/leaky.npy -o %t/silu.npy
// RUN: quant-opt %S/Inputs/booleans.mlir --qfhe-normalize -o %t/normalized.mlir
// RUN: quant-run %t/normalized.mlir --data %S/Inputs/tensor_pairs_a.npy \
// RUN:   --compare %t/leaky.npy --compare %t/silu.npy --atol 0 --rtol 0 \
// RUN: | FileCheck %s --check-prefix=SAME

// CHECK-LABEL: func.func @where(
// CHECK:         %[[H:.*]] = linalg.matmul
// CHECK-NOT:     tensor<?x2xi1>
// CHECK:         %[[LEAKY:.*]] = linalg.generic {{.*}} ins(%[[H]], %{{.*}}, %{{.*}} : tensor<?x2xf32>, tensor<f32>, tensor<f32>)
// CHECK:           arith.mulf
// CHECK:           arith.cmpf ogt
// CHECK:           arith.select
// CHECK:         %[[SILU:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x2xf32>)
// CHECK:           math.exp
// CHECK:           arith.mulf
// CHECK:         return %[[LEAKY]], %[[SILU]]

// The quantizer takes the program (both functions run on the client, after
// decryption, as any function of an output does); no product of two
// encrypted tensors is left.
// QUANTIZED-LABEL: func.func @where(
// QUANTIZED:       qfhe.matmul
// QUANTIZED-NOT:   qfhe.mul
// QUANTIZED:       %[[H:.*]] = qfhe.dequantize
// QUANTIZED:       linalg.generic {{.*}} ins(%[[H]], %{{.*}}, %{{.*}} : tensor<?x2xf32>, tensor<f32>, tensor<f32>)
// QUANTIZED:       linalg.generic {{.*}} ins(%[[H]] : tensor<?x2xf32>)

// SAME: compare result 0 with {{.*}}leaky.npy: 0 of 128 elements differ
// SAME: compare result 1 with {{.*}}silu.npy: 0 of 128 elements differ
