// qfhe-split-sums turns a sum of more than max-terms terms into a sum of
// partial sums: reduced dimensions moved last (transpose) and collapsed,
// split into Q parts of S = K / Q terms (S the largest divisor of K up to
// max-terms), summed over S, then over Q, split again while a stage
// has more than max-terms. The sums are the same to float rounding, and
// the quantizer gives each stage a qfhe.reduce_sum of its own.
// RUN: quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums=max-terms=16 | FileCheck %s
// RUN: quant-opt %S/Inputs/split_sums_prime.mlir --qfhe-split-sums=max-terms=16 | FileCheck %s --check-prefix=PRIME
// RUN: quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums | FileCheck %s --check-prefix=OFF
// RUN: quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums=max-terms=16 --qfhe-quantize \
// RUN: | FileCheck %s --check-prefix=QUANTIZED
// RUN: not quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums=max-terms=1 2>&1 \
// RUN: | FileCheck %s --check-prefix=BAD
// RUN: not quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums=max-terms=65537 2>&1 \
// RUN: | FileCheck %s --check-prefix=BIG
// RUN: rm -rf %t && mkdir -p %t
// DEFINE: %{data} = --data %S/Inputs/split_sums_a.npy --data %S/Inputs/split_sums_b.npy --data %S/Inputs/split_sums_c.npy
// RUN: quant-run %S/Inputs/split_sums.mlir %{data} -o %t/a.npy -o %t/b.npy -o %t/c.npy -o %t/d.npy
// RUN: quant-opt %S/Inputs/split_sums.mlir --qfhe-split-sums=max-terms=16 -o %t/split.mlir
// RUN: quant-run %t/split.mlir %{data} --atol 1e-5 --rtol 1e-6 \
// RUN:   --compare %t/a.npy --compare %t/b.npy --compare %t/c.npy --compare %t/d.npy \
// RUN: | FileCheck %s --check-prefix=SAME

// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[DROP3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[DROP2:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @sums(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<?x2x256xf32> {{.*}}, %[[B:[^:]*]]: tensor<?x3x4x8xf32> {{.*}}, %[[C:[^:]*]]: tensor<?x300xf32>
// 256 terms: 16 parts of 16.
// CHECK:         %[[A16:.*]] = tensor.expand_shape %[[A]] {{\[\[}}0], [1], [2, 3]] {{.*}} : tensor<?x2x256xf32> into tensor<?x2x16x16xf32>
// CHECK:         %[[APART:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[DROP3]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[A16]] : tensor<?x2x16x16xf32>) outs(%{{.*}} : tensor<?x2x16xf32>)
// CHECK:           arith.addf
// CHECK:         %[[SA:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[DROP2]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[APART]] : tensor<?x2x16xf32>) outs(%{{.*}} : tensor<?x2xf32>)
// Dimensions 1 and 3 of [?, 3, 4, 8]: moved last, 24 terms, 2 parts of 12.
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[B]] : tensor<?x3x4x8xf32>) outs(%{{.*}} : tensor<?x4x3x8xf32>) permutation = [0, 2, 1, 3]
// CHECK:         %[[B24:.*]] = tensor.collapse_shape %[[T]] {{\[\[}}0], [1], [2, 3]] : tensor<?x4x3x8xf32> into tensor<?x4x24xf32>
// CHECK:         %[[B2:.*]] = tensor.expand_shape %[[B24]] {{\[\[}}0], [1], [2, 3]] {{.*}} into tensor<?x4x2x12xf32>
// CHECK:         %[[BPART:.*]] = linalg.generic {{.*}} ins(%[[B2]] : tensor<?x4x2x12xf32>) outs(%{{.*}} : tensor<?x4x2xf32>)
// CHECK:         %[[SB:.*]] = linalg.generic {{.*}} ins(%[[BPART]] : tensor<?x4x2xf32>) outs(%{{.*}} : tensor<?x4xf32>)
// 300 terms: 20 parts of 15, then the 20 partial sums in 2 parts of 10.
// CHECK:         %[[C20:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] {{.*}} into tensor<?x20x15xf32>
// CHECK:         %[[CPART:.*]] = linalg.generic {{.*}} ins(%[[C20]] : tensor<?x20x15xf32>) outs(%{{.*}} : tensor<?x20xf32>)
// CHECK:         %[[C2:.*]] = tensor.expand_shape %[[CPART]] {{\[\[}}0], [1, 2]] {{.*}} into tensor<?x2x10xf32>
// CHECK:         %[[CPART2:.*]] = linalg.generic {{.*}} ins(%[[C2]] : tensor<?x2x10xf32>) outs(%{{.*}} : tensor<?x2xf32>)
// CHECK:         %[[SC:.*]] = linalg.generic {{.*}} ins(%[[CPART2]] : tensor<?x2xf32>) outs(%{{.*}} : tensor<?xf32>)
// 2 terms: as it was.
// CHECK:         %[[SD:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<?x2x256xf32>) outs(%{{.*}} : tensor<?x256xf32>)
// CHECK:         return %[[SA]], %[[SB]], %[[SC]], %[[SD]]

// PRIME-LABEL: func.func @prime(
// PRIME-NOT:     tensor.expand_shape
// PRIME:         linalg.generic {{.*}} ins(%{{.*}} : tensor<?x17xf32>) outs(%{{.*}} : tensor<?xf32>)
// PRIME-NOT:     linalg.generic

// max-terms=0 (the default) splits nothing.
// OFF-LABEL: func.func @sums(
// OFF-NOT:     tensor.expand_shape
// OFF-NOT:     linalg.transpose

// QUANTIZED-LABEL: func.func @sums(
// QUANTIZED-COUNT-8: qfhe.reduce_sum
// QUANTIZED-NOT:     qfhe.reduce_sum

// BAD: error: qfhe-split-sums: max-terms must be 0 (no split) or from 2 to 65536, not 1
// BIG: error: qfhe-split-sums: max-terms must be 0 (no split) or from 2 to 65536, not 65537

// SAME: compare result 0 with {{.*}}a.npy: 0 of 128 elements differ
// SAME: compare result 1 with {{.*}}b.npy: 0 of 256 elements differ
// SAME: compare result 2 with {{.*}}c.npy: 0 of 64 elements differ
// SAME: compare result 3 with {{.*}}d.npy: 0 of 16384 elements differ
