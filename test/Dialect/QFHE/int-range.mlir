// RUN: quant-opt %s --split-input-file --int-range-optimizations | FileCheck %s

// qfhe.lut and qfhe.round implement InferIntRangeInterface: upstream's
// integer range analysis sees through them (and agrees with
// qfhe-verify-bitwidth, which uses the same helpers per channel).

// x & 3 is in [0, 3]: the lookup reaches entries 4..7 only (index x + 4 of
// a signed 3-bit input), all 5, so the comparison folds.
// CHECK-LABEL: func @lut_reached_entries
// CHECK-NEXT: %[[TRUE:.*]] = arith.constant dense<true> : tensor<4xi1>
// CHECK-NEXT: return %[[TRUE]]
func.func @lut_reached_entries(%x: tensor<4xi3>) -> tensor<4xi1> {
  %c3 = arith.constant dense<3> : tensor<4xi3>
  %m = arith.andi %x, %c3 : tensor<4xi3>
  %l = qfhe.lut %m {table = dense<[0, 1, 2, 3, 5, 5, 5, 5]> : tensor<8xi4>} : tensor<4xi3> -> tensor<4xi4>
  %c5 = arith.constant dense<5> : tensor<4xi4>
  %eq = arith.cmpi eq, %l, %c5 : tensor<4xi4>
  return %eq : tensor<4xi1>
}

// -----

// Over every input the lookup reaches all entries: [0, 5] (the hull of both
// rows of a per-channel table), so `<= 5` folds and `<= 4` does not.
// CHECK-LABEL: func @lut_rows
// CHECK-DAG: %[[TRUE:.*]] = arith.constant dense<true> : tensor<2x4xi1>
// CHECK-DAG: %[[LUT:.*]] = qfhe.lut
// CHECK: %[[LE4:.*]] = arith.cmpi sle, %[[LUT]]
// CHECK: return %[[TRUE]], %[[LE4]]
func.func @lut_rows(%x: tensor<2x4xi2>) -> (tensor<2x4xi1>, tensor<2x4xi1>) {
  %l = qfhe.lut %x {axis = 0 : i64, table = dense<[[0, 1, 2, 3], [5, 4, 3, 2]]> : tensor<2x4xi4>} : tensor<2x4xi2> -> tensor<2x4xi4>
  %c5 = arith.constant dense<5> : tensor<2x4xi4>
  %c4 = arith.constant dense<4> : tensor<2x4xi4>
  %le5 = arith.cmpi sle, %l, %c5 : tensor<2x4xi4>
  %le4 = arith.cmpi sle, %l, %c4 : tensor<2x4xi4>
  return %le5, %le4 : tensor<2x4xi1>, tensor<2x4xi1>
}

// -----

// Rounding [-32, 31] by 3 bits gives [-4, 4] (31 + 4 = 35, 35 >> 3 = 4):
// `<= 4` and `>= -4` fold, `<= 3` does not.
// CHECK-LABEL: func @round_bounds
// CHECK-DAG: %[[TRUE:.*]] = arith.constant dense<true> : tensor<4xi1>
// CHECK-DAG: %[[R:.*]] = qfhe.round
// CHECK: %[[LE3:.*]] = arith.cmpi sle, %[[R]]
// CHECK: return %[[TRUE]], %[[LE3]]
func.func @round_bounds(%x: tensor<4xi6>) -> (tensor<4xi1>, tensor<4xi1>) {
  %r = qfhe.round %x drop 3 : tensor<4xi6> -> tensor<4xi4>
  %c4 = arith.constant dense<4> : tensor<4xi4>
  %cm4 = arith.constant dense<-4> : tensor<4xi4>
  %c3 = arith.constant dense<3> : tensor<4xi4>
  %le = arith.cmpi sle, %r, %c4 : tensor<4xi4>
  %ge = arith.cmpi sge, %r, %cm4 : tensor<4xi4>
  %both = arith.andi %le, %ge : tensor<4xi1>
  %le3 = arith.cmpi sle, %r, %c3 : tensor<4xi4>
  return %both, %le3 : tensor<4xi1>, tensor<4xi1>
}

// -----

// Rounding [-4, 3] by one bit gives [-2, 2], which i2 cannot hold: the
// result may be any i2 value, and `> -2` must not fold.
// CHECK-LABEL: func @round_wraps
// CHECK: %[[R:.*]] = qfhe.round
// CHECK: %[[GT:.*]] = arith.cmpi sgt, %[[R]]
// CHECK: return %[[GT]]
func.func @round_wraps(%x: tensor<4xi3>) -> tensor<4xi1> {
  %r = qfhe.round %x drop 1 : tensor<4xi3> -> tensor<4xi2>
  %cm2 = arith.constant dense<-2> : tensor<4xi2>
  %gt = arith.cmpi sgt, %r, %cm2 : tensor<4xi2>
  return %gt : tensor<4xi1>
}
