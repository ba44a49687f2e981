// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 \
// RUN: | quant-opt --qfhe-verify-bitwidth="max-bit-width=8 tlu-bit-width=8"

// Exact sums and differences: where every pair of the operands' levels
// fits a lookup, the packed lookup computes what the quantized program
// computes, bit for bit (the operands rescaled to a common scale, as
// before, moved 56 of the 288 results by a level).
// RUN: quant-run %s --entry sums --data %S/Inputs/products_x.npy \
// RUN:   --data %S/Inputs/products_y.npy -o %t.quantized.0.npy -o %t.quantized.1.npy
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 -o %t.integer.mlir
// RUN: quant-run %t.integer.mlir --entry sums --data %S/Inputs/products_x.npy \
// RUN:   --data %S/Inputs/products_y.npy -o %t.integer.0.npy -o %t.integer.1.npy
// RUN: cmp %t.quantized.0.npy %t.integer.0.npy
// RUN: cmp %t.quantized.1.npy %t.integer.1.npy

!qx = !quant.uniform<i8<-8:7>:f32, 1.250000e-01>
!qy = !quant.uniform<i8<0:7>:f32, 2.500000e-01:2>
!qs = !quant.uniform<i8:f32, 3.000000e-02>
!wx = !quant.uniform<i8:f32, 7.874015718698501e-03>
!wy = !quant.uniform<i8:f32, 7.843137718737125e-03:-128>

// x is 4-bit (16 levels), y 3-bit (8 levels, zero point 2): the 128 pairs
// fit one 7-bit lookup, p = 8 * zx + zy + 4, whose table holds each
// pair's quantized sum (or difference). One lookup each.
// CHECK-LABEL: func @sums
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x8xi4>, tensor<?x8xi3>) outs({{.*}} : tensor<?x8xi7>)
// CHECK: qfhe.lut %[[P]] {table = dense<{{.*}}> : tensor<128xi8>} : tensor<?x8xi7> -> tensor<?x8xi8>
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x8xi4>, tensor<?x8xi3>) outs({{.*}} : tensor<?x8xi7>)
// CHECK: qfhe.lut %[[D]] {table = dense<{{.*}}> : tensor<128xi8>} : tensor<?x8xi7> -> tensor<?x8xi8>
// CHECK-NOT: qfhe.lut
// CHECK: return
func.func @sums(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %qx = qfhe.quantize %x : tensor<?x8xf32> -> tensor<?x8x!qx>
  %qy = qfhe.quantize %y : tensor<?x8xf32> -> tensor<?x8x!qy>
  %s = qfhe.add %qx, %qy : tensor<?x8x!qx>, tensor<?x8x!qy> -> tensor<?x8x!qs>
  %d = qfhe.sub %qx, %qy : tensor<?x8x!qx>, tensor<?x8x!qy> -> tensor<?x8x!qs>
  %ds = qfhe.dequantize %s : tensor<?x8x!qs> -> tensor<?x8xf32>
  %dd = qfhe.dequantize %d : tensor<?x8x!qs> -> tensor<?x8xf32>
  return %ds, %dd : tensor<?x8xf32>, tensor<?x8xf32>
}

// Two 8-bit operands: their 65536 pairs do not fit an 8-bit lookup, so
// each is rescaled by a lookup to the common scale, the integers added,
// and the sum requantized: three lookups.
// CHECK-LABEL: func @wide_sum
// CHECK-COUNT-2: qfhe.lut {{.*}} : tensor<?x8xi8> -> tensor<?x8xi8>
// CHECK: linalg.add
// CHECK: qfhe.lut {{.*}} -> tensor<?x8xi8>
// CHECK-NOT: qfhe.lut
func.func @wide_sum(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %qx = qfhe.quantize %x : tensor<?x8xf32> -> tensor<?x8x!wx>
  %qy = qfhe.quantize %y : tensor<?x8xf32> -> tensor<?x8x!wy>
  %s = qfhe.add %qx, %qy : tensor<?x8x!wx>, tensor<?x8x!wy> -> tensor<?x8x!wx>
  %ds = qfhe.dequantize %s : tensor<?x8x!wx> -> tensor<?x8xf32>
  return %ds : tensor<?x8xf32>
}
