// The loop hints of qfhe-annotate-loops survive qfhe-lower-to-llvm and the
// translation to LLVM IR, as the metadata of each loop's back edge: the
// batch loop of a matmul is not vectorized, its reduction loop neither,
// its 3-wide output row is fully unrolled. (The batch is static: with a
// dynamic one, qfhe-batch-innermost would run it innermost instead.)
//
// RUN: quant-opt %s --qfhe-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s

// CHECK-LABEL: define {{.*}} @matmul(
// CHECK: br label %{{.+}}, !llvm.loop ![[ROW:[0-9]+]]
// CHECK: br label %{{.+}}, !llvm.loop ![[OUTER:[0-9]+]]
// CHECK: br label %{{.+}}, !llvm.loop ![[OUTER]]
// CHECK-NOT: !llvm.loop
// CHECK: ret

// CHECK-DAG: ![[ROW]] = distinct !{![[ROW]], ![[FULL:[0-9]+]]}
// CHECK-DAG: ![[FULL]] = !{!"llvm.loop.unroll.full"}
// CHECK-DAG: ![[OUTER]] = distinct !{![[OUTER]], ![[NOVEC:[0-9]+]]}
// CHECK-DAG: ![[NOVEC]] = !{!"llvm.loop.vectorize.enable", i1 false}
func.func @matmul(%x: tensor<8x4xi8>, %w: tensor<4x3xi8>, %init: tensor<8x3xi8>) -> tensor<8x3xi8> {
  %0 = linalg.matmul ins(%x, %w : tensor<8x4xi8>, tensor<4x3xi8>) outs(%init : tensor<8x3xi8>) -> tensor<8x3xi8>
  return %0 : tensor<8x3xi8>
}
