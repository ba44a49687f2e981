// RUN: quant-opt %s --qfhe-to-linalg --split-input-file | FileCheck %s

// Signed inputs index the table at x + 2^(N-1).
// CHECK-LABEL: func @lut
// CHECK: %[[T:.*]] = arith.constant dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: i3, %{{.*}}: i3):
// CHECK: %[[I:.*]] = arith.index_cast %[[X]] : i3 to index
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[J:.*]] = arith.addi %[[I]], %[[C4]] : index
// CHECK: %[[V:.*]] = tensor.extract %[[T]][%[[J]]] : tensor<8xi3>
// CHECK: linalg.yield %[[V]] : i3
func.func @lut(%x: tensor<2x8xi3>) -> tensor<2x8xi3> {
  %y = qfhe.lut %x {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>} : tensor<2x8xi3> -> tensor<2x8xi3>
  return %y : tensor<2x8xi3>
}

// -----

// Per-channel tables are indexed by the channel, then the value; table
// entries are re-typed to the result type; unsigned inputs need no offset.
// CHECK-LABEL: func @lut_per_axis_unsigned
// (9 in ui4 has the bit pattern of -7 in i4.)
// CHECK: %[[T:.*]] = arith.constant dense<{{\[}}[0, 1, 4, -7], [-7, 4, 1, 0]]> : tensor<2x4xi4>
// CHECK: ^bb0(%[[X:.*]]: i2, %{{.*}}: i4):
// CHECK: %[[I:.*]] = arith.index_castui %[[X]] : i2 to index
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %[[T]][%[[C]], %[[I]]] : tensor<2x4xi4>
func.func @lut_per_axis_unsigned(%x: tensor<3x2xui2>) -> tensor<3x2xui4> {
  %y = qfhe.lut %x {axis = 1 : i64, table = dense<[[0, 1, 4, 9], [9, 4, 1, 0]]> : tensor<2x4xi64>} : tensor<3x2xui2> -> tensor<3x2xui4>
  return %y : tensor<3x2xui4>
}

// -----

// CHECK-LABEL: func @round
// CHECK: ^bb0(%[[X:.*]]: i12, %{{.*}}: i9):
// CHECK: %[[W:.*]] = arith.extsi %[[X]] : i12 to i64
// CHECK: %[[H:.*]] = arith.constant 8 : i64
// CHECK: %[[A:.*]] = arith.addi %[[W]], %[[H]] : i64
// CHECK: %[[K:.*]] = arith.constant 4 : i64
// CHECK: %[[S:.*]] = arith.shrsi %[[A]], %[[K]] : i64
// CHECK: %[[T:.*]] = arith.trunci %[[S]] : i64 to i9
// CHECK: linalg.yield %[[T]] : i9
func.func @round(%a: tensor<2x8xi12>) -> tensor<2x8xi9> {
  %r = qfhe.round %a drop 4 : tensor<2x8xi12> -> tensor<2x8xi9>
  return %r : tensor<2x8xi9>
}

// -----

// CHECK-LABEL: func @round_unsigned
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.shrui
func.func @round_unsigned(%a: tensor<2xui8>) -> tensor<2xui6> {
  %r = qfhe.round %a drop 2 : tensor<2xui8> -> tensor<2xui6>
  return %r : tensor<2xui6>
}
