// RUN: quant-opt %s --split-input-file --qfhe-widen-integers 2>&1 | FileCheck %s --implicit-check-not=error

// An i3 sum is computed on i8: the arguments are sign-extended from their
// low 3 bits on entry (shift left by 5, arithmetic shift right by 5), and so
// is the sum, which may leave the i3 range.
// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[A:.+]]: i8, %[[B:.+]]: i8) -> i8
// CHECK-DAG: %[[FIVE:.+]] = arith.constant 5 : i8
// CHECK: %[[AL:.+]] = arith.shli %[[A]], %[[FIVE]] : i8
// CHECK: %[[AN:.+]] = arith.shrsi %[[AL]], %[[FIVE]] : i8
// CHECK: %[[BL:.+]] = arith.shli %[[B]], %{{.+}} : i8
// CHECK: %[[BN:.+]] = arith.shrsi %[[BL]], %{{.+}} : i8
// CHECK: %[[SUM:.+]] = arith.addi %[[AN]], %[[BN]] : i8
// CHECK: %[[SL:.+]] = arith.shli %[[SUM]], %{{.+}} : i8
// CHECK: %[[SN:.+]] = arith.shrsi %[[SL]], %{{.+}} : i8
// CHECK: return %[[SN]] : i8
func.func @add(%a: i3, %b: i3) -> i3 {
  %0 = arith.addi %a, %b : i3
  return %0 : i3
}

// -----

// Sign extension reads the normal form as it is; zero extension clears the
// bits above the narrow width first (127 = the low 7 bits).
// CHECK-LABEL: func.func @ext
// CHECK-SAME: (%[[A:.+]]: i8) -> (i16, i16)
// CHECK: %[[N:.+]] = arith.shrsi
// CHECK: %[[S:.+]] = arith.extsi %[[N]] : i8 to i16
// CHECK: %[[MASK:.+]] = arith.constant 127 : i8
// CHECK: %[[LOW:.+]] = arith.andi %[[N]], %[[MASK]] : i8
// CHECK: %[[U:.+]] = arith.extui %[[LOW]] : i8 to i16
// CHECK: return %[[S]], %[[U]]
func.func @ext(%a: i7) -> (i16, i16) {
  %0 = arith.extsi %a : i7 to i16
  %1 = arith.extui %a : i7 to i16
  return %0, %1 : i16, i16
}

// -----

// A byte read as unsigned into a narrow type stays a zero extension (200
// stays 200 in i13, not -56).
// CHECK-LABEL: func.func @ext_byte
// CHECK-SAME: (%[[A:.+]]: i8) -> i16
// CHECK-NEXT: %[[U:.+]] = arith.extui %[[A]] : i8 to i16
// CHECK-NEXT: return %[[U]] : i16
func.func @ext_byte(%a: i8) -> i13 {
  %0 = arith.extui %a : i8 to i13
  return %0 : i13
}

// -----

// Unsigned comparisons read the low bits only.
// CHECK-LABEL: func.func @ult
// CHECK: %[[MASK:.+]] = arith.constant 31 : i8
// CHECK: arith.andi %{{.+}}, %[[MASK]] : i8
// CHECK: arith.andi %{{.+}}, %{{.+}} : i8
// CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
func.func @ult(%a: i5, %b: i5) -> i1 {
  %0 = arith.cmpi ult, %a, %b : i5
  return %0 : i1
}

// -----

// A matmul of i4 into i12 runs on i8 into i16; its sums are reduced to 12
// bits once, after the op (shift by 4 on i16).
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%{{.+}}: tensor<2x4xi8>, %{{.+}}: tensor<4x3xi8>, %{{.+}}: tensor<2x3xi16>) -> tensor<2x3xi16>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<2x4xi8>, tensor<4x3xi8>) outs(%{{.+}} : tensor<2x3xi16>) -> tensor<2x3xi16>
// CHECK: %[[R:.+]] = linalg.generic {{.+}} ins(%[[MM]] : tensor<2x3xi16>)
// CHECK: arith.constant 4 : i16
// CHECK: arith.shli
// CHECK: arith.shrsi
// CHECK: return %[[R]] : tensor<2x3xi16>
func.func @matmul(%x: tensor<2x4xi4>, %w: tensor<4x3xi4>, %init: tensor<2x3xi12>) -> tensor<2x3xi12> {
  %0 = linalg.matmul ins(%x, %w : tensor<2x4xi4>, tensor<4x3xi4>) outs(%init : tensor<2x3xi12>) -> tensor<2x3xi12>
  return %0 : tensor<2x3xi12>
}

// -----

// Constants keep their values, stored wider.
// CHECK-LABEL: func.func @constant
// CHECK: arith.constant dense<[-16, 15]> : tensor<2xi8>
func.func @constant() -> tensor<2xi5> {
  %0 = arith.constant dense<[-16, 15]> : tensor<2xi5>
  return %0 : tensor<2xi5>
}

// -----

// Byte-sized integers are left alone.
// CHECK-LABEL: func.func @bytes
// CHECK-NEXT: arith.addi %{{.+}}, %{{.+}} : i8
// CHECK-NEXT: return
func.func @bytes(%a: i8, %b: i8) -> i8 {
  %0 = arith.addi %a, %b : i8
  return %0 : i8
}

// -----

// An op whose meaning depends on the width leaves the whole program as it
// is, without an error.
// CHECK-LABEL: func.func @ctlz
// CHECK-SAME: (%{{.+}}: i3) -> i3
// CHECK: math.ctlz %{{.+}} : i3
func.func @ctlz(%a: i3) -> i3 {
  %0 = math.ctlz %a : i3
  return %0 : i3
}
