// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=8 | quant-opt --qfhe-verify-bitwidth="max-bit-width=8" -o /dev/null

// qfhe.add brings both operands to a common scale by a table each, chosen
// so that their proven ranges sum within the lookup width. The clamped
// operand reaches [0, 10] of its storage (0 to 5 at scale 0.5) and the
// other spans 1.27, so the common scale is (5 + 1.27) / 127; the entries
// of its table beyond [0, 10], which the program never reads, would be up
// to 20 times the lookup's range: they saturate (the lowering failed with
// "table entry -1294 is outside the result storage" before).
// CHECK-LABEL: func @clamped_sum
// CHECK: %[[A:.*]] = qfhe.lut %{{.*}} {table = dense<"0x00000000
// CHECK: qfhe.lut %[[A]] {table = dense<"0x80808080
!q = !quant.uniform<i8:f32, 0.5>
!qs = !quant.uniform<i8:f32, 0.01>
func.func @clamped_sum(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %qx = qfhe.quantize %x : tensor<?x4xf32> -> tensor<?x4x!q>
  %qy = qfhe.quantize %y : tensor<?x4xf32> -> tensor<?x4x!qs>
  %a = qfhe.apply %qx : tensor<?x4x!q> -> tensor<?x4x!q> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.000000e+00 : f32
    %five = arith.constant 5.000000e+00 : f32
    %r = arith.maximumf %v, %zero : f32
    %c = arith.minimumf %r, %five : f32
    qfhe.yield %c : f32
  }
  %s = qfhe.add %a, %qy : tensor<?x4x!q>, tensor<?x4x!qs> -> tensor<?x4x!q>
  %d = qfhe.dequantize %s : tensor<?x4x!q> -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}
