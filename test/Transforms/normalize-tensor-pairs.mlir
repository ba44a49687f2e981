// qfhe-normalize rewrites a min, max or division of two tensors (not
// constants) into the forms the quantizer computes: min(a, b) = a - relu(a
// - b), max(a, b) = b + relu(a - b), a / s = a * (1 / s) with the
// reciprocal taken in the divisor's own shape (once per row for a divisor
// broadcast along it). A division by a constant stays (a table of a). The
// normalized program computes what the original does (to one float32
// rounding), and the quantizer then takes it: before, each of the three
// had "no quantized form".
// RUN: quant-opt %S/Inputs/tensor_pairs.mlir --qfhe-normalize | FileCheck %s
// RUN: quant-opt %S/Inputs/tensor_pairs.mlir --qfhe-normalize --qfhe-quantize \
// RUN: | FileCheck %s --check-prefix=QUANTIZED
// RUN: rm -rf %t && mkdir -p %t
// DEFINE: %{data} = --data %S/Inputs/tensor_pairs_a.npy --data %S/Inputs/tensor_pairs_b.npy --data %S/Inputs/tensor_pairs_s.npy
// RUN: quant-run %S/Inputs/tensor_pairs.mlir %{data} -o %t/min.npy -o %t/max.npy -o %t/div.npy -o %t/quarter.npy
// RUN: quant-opt %S/Inputs/tensor_pairs.mlir --qfhe-normalize -o %t/normalized.mlir
// RUN: quant-run %t/normalized.mlir %{data} --atol 1e-7 --rtol 2e-7 \
// RUN:   --compare %t/min.npy --compare %t/max.npy --compare %t/div.npy --compare %t/quarter.npy \
// RUN: | FileCheck %s --check-prefix=SAME

// CHECK-LABEL: func.func @pairs(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<?x8xf32> {{.*}}, %[[B:[^:]*]]: tensor<?x8xf32> {{.*}}, %[[S:[^:]*]]: tensor<?x1xf32>
// min: d = a - b, r = max(d, 0), a - r.
// CHECK:         %[[D1:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] :
// CHECK:           arith.subf
// CHECK:         %[[R1:.*]] = linalg.generic {{.*}} ins(%[[D1]] :
// CHECK:           arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK:         %[[MIN:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[R1]] :
// CHECK:           arith.subf
// max: d = a - b, r = max(d, 0), b + r.
// CHECK:         %[[D2:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] :
// CHECK:           arith.subf
// CHECK:         %[[R2:.*]] = linalg.generic {{.*}} ins(%[[D2]] :
// CHECK:           arith.maximumf
// CHECK:         %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[B]], %[[R2]] :
// CHECK:           arith.addf
// div: 1 / s on [?, 1], broadcast, then the product.
// CHECK:         %[[RECIP:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<?x1xf32>) outs(%{{.*}} : tensor<?x1xf32>)
// CHECK:           arith.divf %{{.*}}, %{{.*}} : f32
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[RECIP]]
// CHECK:         %[[WIDE:.*]] = linalg.broadcast ins(%[[FLAT]] : tensor<?xf32>)
// CHECK:         %[[DIV:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[WIDE]] :
// CHECK:           arith.mulf
// The division by a constant stays.
// CHECK:         %[[QUARTER:.*]] = linalg.generic {{.*}} ins(%[[A]], %{{.*}} : tensor<?x8xf32>, tensor<8xf32>)
// CHECK:           arith.divf
// CHECK:         return %[[MIN]], %[[MAX]], %[[DIV]], %[[QUARTER]]
// CHECK-NOT:     arith.minimumf

// QUANTIZED-LABEL: func.func @pairs(
// QUANTIZED-DAG:   qfhe.sub
// QUANTIZED-DAG:   qfhe.add
// QUANTIZED-DAG:   qfhe.mul
// QUANTIZED-DAG:   qfhe.apply

// SAME: compare result 0 with {{.*}}min.npy: 0 of 512 elements differ
// SAME: compare result 1 with {{.*}}max.npy: 0 of 512 elements differ
// SAME: compare result 2 with {{.*}}div.npy: 0 of 512 elements differ
// SAME: compare result 3 with {{.*}}quarter.npy: 0 of 512 elements differ
