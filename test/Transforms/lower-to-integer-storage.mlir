// Storage ranges in the integer program: the client quantizes into the
// fewest signed bits the storage range needs (4-bit values in uint8 cost 4
// bits, not 8), and lookups into unsigned or narrowed storage hold their
// results shifted into signed integers (a uint8 result of 255 is 127). The
// integer program computes what the quantized program computes, bit for
// bit (mlp3_x.npy holds values outside the ranges, which saturate).
//
// RUN: quant-opt %s --qfhe-lower-to-integer --canonicalize | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer | quant-opt --qfhe-verify-bitwidth="max-bit-width=9 report=-" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: quant-run %s --data %S/Inputs/mlp3_x.npy -o %t.quantized.npy
// RUN: quant-opt %s --qfhe-lower-to-integer -o %t.integer.mlir
// RUN: quant-run %t.integer.mlir --data %S/Inputs/mlp3_x.npy -o %t.integer.npy
// RUN: cmp %t.quantized.npy %t.integer.npy

// CHECK-LABEL: func @storage
// 4-bit values in uint8 storage, [0, 15] with zero point 8: shifted by 8
// into i4, zero point 0.
// CHECK: %[[Q:.*]] = qfhe.quantize %arg0 : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<i4:f32, 1.250000e-01>>
// CHECK: %[[X:.*]] = quant.scast %[[Q]] : tensor<?x3x!quant.uniform<i4:f32, 1.250000e-01>> to tensor<?x3xi4>
// The accumulator of weights [[2], [-1], [3]] over [-8, 7] spans [-47, 43]:
// i7.
// CHECK: linalg.matmul ins(%[[X]], %{{.*}} : tensor<?x3xi4>, tensor<3x1xi{{[0-9]+}}>) outs(%{{.*}} : tensor<?x1xi7>)
// A uint8 lookup result: entries q - 128, from 0 (0x80) to 255 (0x7F).
// CHECK: %[[U:.*]] = qfhe.lut %{{.*}} {table = dense<"0x80{{[0-9A-F]*}}7F"> : tensor<128xi8>} : tensor<?x1xi7> -> tensor<?x1xi8>
// A requantization into [0, 127] (a relu after int8 quantization): 7 bits,
// shifted by 64 (q = 0 is 0x40, -64 in i7).
// CHECK: qfhe.lut %[[U]] {table = dense<"0x40{{[0-9A-F]*}}"> : tensor<256xi7>} : tensor<?x1xi8> -> tensor<?x1xi7>
// CHECK: quant.scast %{{.*}} : tensor<?x1xi7> to tensor<?x1x!quant.uniform<i7:f32, 1.000000e-01:-64>>
// The verifier proves the accumulator's 7 bits (centered: [-64, 26]) from
// the 4-bit input.
// REPORT: "bits": 7,
// REPORT: "op": "linalg.matmul",
// REPORT-NEXT: "range": [
// REPORT-NEXT: -64,
// REPORT-NEXT: 26
// REPORT: "widest": {
// REPORT-NEXT: "bits": 8,
func.func @storage(%x: tensor<?x3xf32>) -> tensor<?x1xf32> {
  %q = qfhe.quantize %x : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<u8<0:15>:f32, 0.125:8>>
  %wi = arith.constant dense<[[2], [-1], [3]]> : tensor<3x1xi8>
  %w = quant.scast %wi : tensor<3x1xi8> to tensor<3x1x!quant.uniform<i8:f32, 0.5>>
  %acc = qfhe.matmul %q, %w : tensor<?x3x!quant.uniform<u8<0:15>:f32, 0.125:8>>, tensor<3x1x!quant.uniform<i8:f32, 0.5>> -> tensor<?x1x!quant.uniform<i32:f32, 0.0625>>
  // A uint8 result: 255 is a real 2.55 - 0.5 = 2.05 at scale 0.01.
  %u = qfhe.apply %acc : tensor<?x1x!quant.uniform<i32:f32, 0.0625>> -> tensor<?x1x!quant.uniform<u8:f32, 0.01:50>> {
  ^bb0(%v: f32):
    %k = arith.constant 0.5 : f32
    %m = arith.mulf %v, %k : f32
    qfhe.yield %m : f32
  }
  %r = qfhe.requantize %u : tensor<?x1x!quant.uniform<u8:f32, 0.01:50>> -> tensor<?x1x!quant.uniform<i8<0:127>:f32, 0.1>>
  %d = qfhe.dequantize %r : tensor<?x1x!quant.uniform<i8<0:127>:f32, 0.1>> -> tensor<?x1xf32>
  return %d : tensor<?x1xf32>
}
