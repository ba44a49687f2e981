// RUN: quant-opt %s --qfhe-verify-bitwidth="max-bit-width=8 report=-" -o /dev/null | FileCheck %s
// RUN: not quant-opt %s --qfhe-verify-bitwidth=max-bit-width=6 -o /dev/null 2>&1 \
// RUN: | FileCheck %s --check-prefix=CAP6

// A product of two encrypted tensors as qfhe-lower-to-integer writes it
// (docs/pipeline.md, "Products of encrypted tensors"): the verifier proves
// it with its rules for linalg bodies and qfhe.lut, no rule of its own
// (verify-bitwidth-soundness.mlir: a body that multiplies encrypted
// values is refused).

#id = affine_map<(d0) -> (d0)>

// The squares trick of a 4-bit x (range [-8, 7]) and a 3-bit y held as
// z in [-4, 3] for y = z + 2: s = x + z in [-12, 10] (i5), d = x - z in
// [-11, 11] (i5); the tables hold floor((s + 2)^2 / 4) - 18 in [-18, 18]
// and floor((d - 2)^2 / 4) - 21 in [-21, 21] (i6), their difference
// x * y - 3 lies in [-39, 39] (i7), and the requantization reads it.
// CHECK-LABEL: "function": "squares"
// CHECK: "lookups": {
// CHECK-NEXT: "ops": 3,
// CHECK-NEXT: "per_sample": 24,
// CHECK: "proven": true,
// CHECK: "bits": 5,
// CHECK-NEXT: "loc": {{.*}},
// CHECK-NEXT: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -12,
// CHECK-NEXT: 10
// CHECK: "bits": 5,
// CHECK-NEXT: "loc": {{.*}},
// CHECK-NEXT: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -11,
// CHECK-NEXT: 11
// CHECK: "bits": 6,
// CHECK-NEXT: "loc": {{.*}},
// CHECK-NEXT: "op": "qfhe.lut",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -18,
// CHECK-NEXT: 18
// CHECK: "bits": 6,
// CHECK-NEXT: "loc": {{.*}},
// CHECK-NEXT: "op": "qfhe.lut",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -21,
// CHECK-NEXT: 21
// CHECK: "bits": 7,
// CHECK-NEXT: "loc": {{.*}},
// CHECK-NEXT: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -39,
// CHECK-NEXT: 39
func.func @squares(%x: tensor<8xi4>, %z: tensor<8xi3>) -> tensor<8xi8> {
  %s_init = tensor.empty() : tensor<8xi5>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %z : tensor<8xi4>, tensor<8xi3>) outs(%s_init : tensor<8xi5>) {
  ^bb0(%a: i4, %b: i3, %o: i5):
    %ea = arith.extsi %a : i4 to i5
    %eb = arith.extsi %b : i3 to i5
    %r = arith.addi %ea, %eb : i5
    linalg.yield %r : i5
  } -> tensor<8xi5>
  %d_init = tensor.empty() : tensor<8xi5>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %z : tensor<8xi4>, tensor<8xi3>) outs(%d_init : tensor<8xi5>) {
  ^bb0(%a: i4, %b: i3, %o: i5):
    %ea = arith.extsi %a : i4 to i5
    %eb = arith.extsi %b : i3 to i5
    %r = arith.subi %ea, %eb : i5
    linalg.yield %r : i5
  } -> tensor<8xi5>
  %ts = qfhe.lut %s {table = dense<[7, 7, 7, 7, 7, 2, -2, -6, -9, -12, -14, -16, -17, -18, -18, -18, -17, -16, -14, -12, -9, -6, -2, 2, 7, 12, 18, 18, 18, 18, 18, 18]> : tensor<32xi6>} : tensor<8xi5> -> tensor<8xi6>
  %td = qfhe.lut %d {table = dense<[21, 21, 21, 21, 21, 21, 15, 9, 4, -1, -5, -9, -12, -15, -17, -19, -20, -21, -21, -21, -20, -19, -17, -15, -12, -9, -5, -1, -1, -1, -1, -1]> : tensor<32xi6>} : tensor<8xi5> -> tensor<8xi6>
  %p_init = tensor.empty() : tensor<8xi7>
  %p = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%ts, %td : tensor<8xi6>, tensor<8xi6>) outs(%p_init : tensor<8xi7>) {
  ^bb0(%a: i6, %b: i6, %o: i7):
    %ea = arith.extsi %a : i6 to i7
    %eb = arith.extsi %b : i6 to i7
    %r = arith.subi %ea, %eb : i7
    linalg.yield %r : i7
  } -> tensor<8xi7>
  %q = qfhe.lut %p {table = dense<[-64, -63, -62, -61, -60, -59, -58, -57, -56, -55, -54, -53, -52, -51, -50, -49, -48, -47, -46, -45, -44, -43, -42, -41, -40, -39, -38, -37, -36, -35, -34, -33, -32, -31, -30, -29, -28, -27, -26, -25, -24, -23, -22, -21, -20, -19, -18, -17, -16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63]> : tensor<128xi8>} : tensor<8xi7> -> tensor<8xi8>
  return %q : tensor<8xi8>
}

// Under a cap of 6 the difference of the tables, and the lookup that reads
// it, need 7 bits.
// CAP6: error: encrypted result needs 7 bits (proven range [-39, 39]) but max-bit-width is 6
// CAP6: error: table lookup on a 7-bit input but tlu-bit-width is 6
