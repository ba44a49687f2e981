// RUN: quant-opt %s --qfhe-verify-bitwidth="max-bit-width=9 report=-" -o /dev/null | FileCheck %s

// quant.scast reads the same bits another way: the client's u8 integers in
// [130, 200] are [-126, -56] as the circuit's signless (signed) i8, not
// [130, 200], which i8 cannot hold.
// CHECK-LABEL: "function": "unsigned_storage"
// CHECK: "op": "quant.scast",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -126,
// CHECK-NEXT: -56
func.func @unsigned_storage(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8<130:200>:f32, 0.1>>
  %s = quant.scast %q : tensor<4x!quant.uniform<u8<130:200>:f32, 0.1>> to tensor<4xi8>
  %l = qfhe.lut %s {table = dense<1> : tensor<256xi2>} : tensor<4xi8> -> tensor<4xi2>
  return %s : tensor<4xi8>
}
