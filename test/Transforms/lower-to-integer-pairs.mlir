// RUN: quant-opt %s --qfhe-lower-to-integer="tlu-bit-width=8 allow-rounding=false" | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer="tlu-bit-width=8 allow-rounding=false" \
// RUN: | quant-opt --qfhe-verify-bitwidth="max-bit-width=8 tlu-bit-width=8"
// RUN: not quant-opt %s --qfhe-lower-to-integer="tlu-bit-width=7 allow-rounding=false" -o /dev/null 2>&1 \
// RUN: | FileCheck %s --check-prefix=NARROW

// qfhe.apply_pair is one lookup of every pair of its operands' levels,
// each entry the body evaluated in its own float type: the integer program
// computes what the quantized program computes, bit for bit, on every
// pair (Inputs/pairs_*.npy: all 256, and two rows of clamped inputs). In
// f32, the residual sum clamped at 0 puts 15 of the 256 pairs on another
// level than real arithmetic would (ties of x + y at odd multiples of
// 0.1): a table computed in f64 would not be the user's program.
// RUN: quant-run %s --data %S/Inputs/pairs_x.npy --data %S/Inputs/pairs_y.npy \
// RUN:   -o %t.quantized.0.npy -o %t.quantized.1.npy -o %t.quantized.2.npy
// RUN: quant-opt %s --qfhe-lower-to-integer="tlu-bit-width=8 allow-rounding=false" -o %t.integer.mlir
// RUN: quant-run %t.integer.mlir --data %S/Inputs/pairs_x.npy --data %S/Inputs/pairs_y.npy \
// RUN:   -o %t.integer.0.npy -o %t.integer.1.npy -o %t.integer.2.npy
// RUN: cmp %t.quantized.0.npy %t.integer.0.npy
// RUN: cmp %t.quantized.1.npy %t.integer.1.npy
// RUN: cmp %t.quantized.2.npy %t.integer.2.npy

!qx = !quant.uniform<u8<0:15>:f32, 1.000000e-01>
!qy = !quant.uniform<i8<-8:7>:f32, 2.000000e-01:-1>
!qs = !quant.uniform<i8:f32, 2.500000e-02>
!qr = !quant.uniform<u8<0:15>:f32, 2.000000e-01>
!qp = !quant.uniform<i8:f32, 2.000000e-02>

// 16 x 16 pairs: p = 16 * zx + zy + c in 8 bits, one lookup per op.
// CHECK-LABEL: func @pairs
// CHECK-COUNT-3: qfhe.lut %{{.*}} {table = dense<{{.*}}> : tensor<256xi{{[0-9]+}}>} : tensor<?x16xi8> ->
// CHECK-NOT: qfhe.lut
// CHECK: return
func.func @pairs(%x: tensor<?x16xf32>, %y: tensor<?x16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %qx = qfhe.quantize %x : tensor<?x16xf32> -> tensor<?x16x!qx>
  %qy = qfhe.quantize %y : tensor<?x16xf32> -> tensor<?x16x!qy>
  %s = qfhe.apply_pair %qx, %qy : tensor<?x16x!qx>, tensor<?x16x!qy> -> tensor<?x16x!qs> {
  ^bb0(%a: f32, %b: f32):
    %v = arith.addf %a, %b : f32
    qfhe.yield %v : f32
  }
  %r = qfhe.apply_pair %qx, %qy : tensor<?x16x!qx>, tensor<?x16x!qy> -> tensor<?x16x!qr> {
  ^bb0(%a: f32, %b: f32):
    %v = arith.addf %a, %b : f32
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %v, %z : f32
    qfhe.yield %m : f32
  }
  %p = qfhe.apply_pair %qx, %qy : tensor<?x16x!qx>, tensor<?x16x!qy> -> tensor<?x16x!qp> {
  ^bb0(%a: f32, %b: f32):
    %v = arith.mulf %a, %b : f32
    qfhe.yield %v : f32
  }
  %ds = qfhe.dequantize %s : tensor<?x16x!qs> -> tensor<?x16xf32>
  %dr = qfhe.dequantize %r : tensor<?x16x!qr> -> tensor<?x16xf32>
  %dp = qfhe.dequantize %p : tensor<?x16x!qp> -> tensor<?x16xf32>
  return %ds, %dr, %dp : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// Under 7-bit lookups the pairs do not fit, and there is no other exact
// form: refused with the bits.
// NARROW: error: cannot lower: the pairs of its operands' levels (16 x 16) need a 8-bit lookup but tlu-bit-width is 7 (quantize the operands to fewer levels)
