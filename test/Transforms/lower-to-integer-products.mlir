// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 \
// RUN: | quant-opt --qfhe-verify-bitwidth="max-bit-width=8 tlu-bit-width=8"

// Exact products: the packed lookup computes what the quantized program
// computes, bit for bit, on every pair of inputs (and on two clamped
// samples).
// RUN: quant-run %s --entry products --data %S/Inputs/products_x.npy \
// RUN:   --data %S/Inputs/products_y.npy -o %t.quantized.0.npy -o %t.quantized.1.npy
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 -o %t.integer.mlir
// RUN: quant-run %t.integer.mlir --entry products --data %S/Inputs/products_x.npy \
// RUN:   --data %S/Inputs/products_y.npy -o %t.integer.0.npy -o %t.integer.1.npy
// RUN: cmp %t.quantized.0.npy %t.integer.0.npy
// RUN: cmp %t.quantized.1.npy %t.integer.1.npy

// Wide factors are rescaled to 7 bits and the quarter squares are scaled
// by c, at least 2^-5 (dropping 5 bits fits, 4 does not):
// the integer program is within the rounding it adds of the quantized one.
// x in [-1, 1] rescaled at 1/63 moves by at most 0.0079, y in [0, 2] at
// 2/63 by at most 0.0159: the product by at most 2 * 0.0079 + 0.0159 +
// 0.0079 * 0.0159 = 0.0318; the tables' rounding adds at most one unit of
// 1 / c / 63 * 2 / 63 <= 2^5 / 63 * 2 / 63 = 0.0161; both programs then round to the output's
// step, 0.0157. In all 0.0636, under the tolerance of 0.07.
// RUN: quant-run %s --entry wide --data %S/Inputs/products_wide_x.npy \
// RUN:   --data %S/Inputs/products_wide_y.npy -o %t.wide.quantized.npy
// RUN: quant-run %t.integer.mlir --entry wide --data %S/Inputs/products_wide_x.npy \
// RUN:   --data %S/Inputs/products_wide_y.npy --compare %t.wide.quantized.npy \
// RUN:   --rtol 0 --atol 0.07 | FileCheck %s --check-prefix=WIDE
// WIDE: compare result 0 with {{.*}}: 0 of 512 elements differ

// Scaled quarter squares, a result of four levels: the tables' entries
// are solved so that every pair of factors lands on its product's level,
// and the integer program computes the quantized one bit for bit on all
// 16384 pairs (rounded to nearest, 69 pairs land a level off).
// RUN: quant-run %s --entry few_levels --data %S/Inputs/products_exact_x.npy \
// RUN:   --data %S/Inputs/products_exact_y.npy -o %t.few.quantized.npy
// RUN: quant-run %t.integer.mlir --entry few_levels \
// RUN:   --data %S/Inputs/products_exact_x.npy --data %S/Inputs/products_exact_y.npy \
// RUN:   -o %t.few.integer.npy
// RUN: cmp %t.few.quantized.npy %t.few.integer.npy

!qx = !quant.uniform<i8<-8:7>:f32, 1.250000e-01>
!qy = !quant.uniform<i8<0:7>:f32, 2.500000e-01:2>
!qp = !quant.uniform<i8:f32, 1.000000e-02>
!wx = !quant.uniform<i8:f32, 7.874015718698501e-03>
!wy = !quant.uniform<i8:f32, 7.843137718737125e-03:-128>
!wp = !quant.uniform<i8:f32, 1.574803143739700e-02>
!ex = !quant.uniform<i7:f32, 7.874015718698501e-03:-64>
!ep = !quant.uniform<i2:f32, 3.400000e-01:-2>

// x is 4-bit (z in [-8, 7], 16 levels); y is 3-bit with zero point 2,
// held as z in [-4, 3] (8 levels) standing for y = z + 2 in [-2, 5]. The
// 128 pairs fit one 7-bit lookup: p = 8 * zx + zy + 4 in [-64, 63]
// numbers them (computed in 64 bits, truncated), and its table holds each
// pair's quantized product. x * x is one lookup on x.
// CHECK-LABEL: func @products
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[X:.*]], %[[Y:.*]] : tensor<?x8xi4>, tensor<?x8xi3>) outs({{.*}} : tensor<?x8xi7>)
// CHECK: %[[ZX:.*]] = arith.extsi %{{.*}} : i4 to i64
// CHECK: %[[ZY:.*]] = arith.extsi %{{.*}} : i3 to i64
// CHECK: %[[NY:.*]] = arith.constant 8 : i64
// CHECK: %[[SCALED:.*]] = arith.muli %[[ZX]], %[[NY]] : i64
// CHECK: %[[SUM:.*]] = arith.addi %[[SCALED]], %[[ZY]] : i64
// CHECK: %[[C:.*]] = arith.constant 4 : i64
// CHECK: %[[CENTERED:.*]] = arith.addi %[[SUM]], %[[C]] : i64
// CHECK: arith.trunci %[[CENTERED]] : i64 to i7
// CHECK: qfhe.lut %[[P]] {table = dense<{{.*}}> : tensor<128xi8>} : tensor<?x8xi7> -> tensor<?x8xi8>
// CHECK: qfhe.lut %[[X]] {{.*}} : tensor<?x8xi4> -> tensor<?x8xi8>
// CHECK-NOT: qfhe.lut
// CHECK: return
func.func @products(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %qx = qfhe.quantize %x : tensor<?x8xf32> -> tensor<?x8x!qx>
  %qy = qfhe.quantize %y : tensor<?x8xf32> -> tensor<?x8x!qy>
  %p = qfhe.mul %qx, %qy : tensor<?x8x!qx>, tensor<?x8x!qy> -> tensor<?x8x!qp>
  %s = qfhe.mul %qx, %qx : tensor<?x8x!qx>, tensor<?x8x!qx> -> tensor<?x8x!qp>
  %dp = qfhe.dequantize %p : tensor<?x8x!qp> -> tensor<?x8xf32>
  %ds = qfhe.dequantize %s : tensor<?x8x!qp> -> tensor<?x8xf32>
  return %dp, %ds : tensor<?x8xf32>, tensor<?x8xf32>
}

// Two 8-bit factors (x in [-1, 1], y in [0, 2]): their sum would take 9
// bits, so each is first rescaled by a lookup to 7 bits (x at 1/63, y at
// 2/63), then s and d take 8 bits and the quarter squares (up to 3969)
// are scaled to fit 8 bits: five lookups.
// CHECK-LABEL: func @wide
// CHECK-COUNT-2: qfhe.lut {{.*}} : tensor<?x8xi8> -> tensor<?x8xi7>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<?x8xi8>)
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<?x8xi8>)
// CHECK-COUNT-2: qfhe.lut {{.*}} : tensor<?x8xi8> -> tensor<?x8xi{{[0-9]}}>
// CHECK: qfhe.lut {{.*}} -> tensor<?x8xi8>
// CHECK-NOT: qfhe.lut
// CHECK: return
func.func @wide(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %qx = qfhe.quantize %x : tensor<?x8xf32> -> tensor<?x8x!wx>
  %qy = qfhe.quantize %y : tensor<?x8xf32> -> tensor<?x8x!wy>
  %p = qfhe.mul %qx, %qy : tensor<?x8x!wx>, tensor<?x8x!wy> -> tensor<?x8x!wp>
  %dp = qfhe.dequantize %p : tensor<?x8x!wp> -> tensor<?x8xf32>
  return %dp : tensor<?x8xf32>
}

// Two 7-bit unsigned factors in [0, 1]: s and d take 8 bits, the quarter
// squares (up to 16129) are scaled by about 1/79, and the product is
// requantized to two bits (steps of 0.34): the same five ops as any
// scaled product, with solved entries.
// CHECK-LABEL: func @few_levels
// CHECK-COUNT-2: linalg.generic {{.*}} outs({{.*}} : tensor<?x8xi8>)
// CHECK-COUNT-2: qfhe.lut {{.*}} : tensor<?x8xi8> -> tensor<?x8xi{{[0-9]}}>
// CHECK: linalg.generic
// CHECK: qfhe.lut {{.*}} -> tensor<?x8xi2>
// CHECK-NOT: qfhe.lut
// CHECK: return
func.func @few_levels(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %qx = qfhe.quantize %x : tensor<?x8xf32> -> tensor<?x8x!ex>
  %qy = qfhe.quantize %y : tensor<?x8xf32> -> tensor<?x8x!ex>
  %p = qfhe.mul %qx, %qy : tensor<?x8x!ex>, tensor<?x8x!ex> -> tensor<?x8x!ep>
  %dp = qfhe.dequantize %p : tensor<?x8x!ep> -> tensor<?x8xf32>
  return %dp : tensor<?x8xf32>
}
