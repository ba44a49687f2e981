// RUN: quant-opt %s --qfhe-lower-to-integer=fit-tables --verify-diagnostics --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: not quant-opt %s --qfhe-lower-to-integer="fit-tables allow-rounding=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEPT

// With fit-tables, 257 channels of 16-bit lookups (257 x 2^16 entries,
// more than the 2^24 one op may hold) read 15 bits instead: qfhe.round
// drops the fewest bits that bring every channel within 15 (2: the
// input's whole 16-bit range less one bit would round to 2^15 + 1
// values), and a remark says so (lower-to-integer-tables.mlir: the error without fit-tables).
// A user's quantization is kept as it is (allow-rounding=false): the
// error stays.
// KEPT: error: cannot tabulate 257 channels of a 16-bit input: 257 x 2^16 table entries, more than 16777216 (2^24); tlu-bit-width=15 or lower fits 257 channels (now 16)

!qin = !quant.uniform<i16:f32:1, {1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3,1.0e-3}>

// CHECK-LABEL: func.func @wide
// CHECK: qfhe.round %{{.*}} drop 2 : tensor<?x257xi16> -> tensor<?x257xi15>
// CHECK: qfhe.lut %{{.*}} {axis = 1 : i64, table = {{.*}} : tensor<257x32768xi8>} : tensor<?x257xi15>
func.func @wide(%x: tensor<?x257xf32>) -> tensor<?x257xf32> {
  %q = qfhe.quantize %x : tensor<?x257xf32> -> tensor<?x257x!qin>
  // expected-remark @below {{lookups of 257 channels read 15 bits, not 16: 257 x 2^15 table entries fit 16777216 (2^24)}}
  %a = qfhe.apply %q : tensor<?x257x!qin> -> tensor<?x257x!quant.uniform<i8:f32, 0.0078125>> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %v, %zero : f32
    qfhe.yield %r : f32
  }
  %d = qfhe.dequantize %a : tensor<?x257x!quant.uniform<i8:f32, 0.0078125>> -> tensor<?x257xf32>
  return %d : tensor<?x257xf32>
}

