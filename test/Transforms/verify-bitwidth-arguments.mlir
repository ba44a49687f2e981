// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-arith),qfhe-verify-bitwidth{max-bit-width=4})" --verify-diagnostics -o /dev/null
// RUN: not quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=4 report=-" -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=PROOF

// Integer function arguments are encrypted unless marked `qfhe.clear`, and
// range over their type unless `qfhe.range` declares less.

// A TOSA int8 program (lowered to linalg by upstream's tosa-to-linalg-named):
// its i8 argument is encrypted and needs 8 bits; its 32-bit accumulator
// needs 13: column 1 of the weights is [-2, 4, 6, 8], so it reaches
// 127 * 18 + 128 * 2 = 2542 and -128 * 18 - 127 * 2 = -2558.
// expected-error @below {{encrypted argument #0 needs 8 bits (range [-128, 127]) but max-bit-width is 4; declare a narrower range (qfhe.range) or mark it clear (qfhe.clear)}}
func.func @tosa_int8(%x: tensor<1x1x4xi8>) -> tensor<1x1x2xi32> {
  %w = "tosa.const"() {values = dense<[[[1, -2], [3, 4], [-5, 6], [7, 8]]]> : tensor<1x4x2xi8>} : () -> tensor<1x4x2xi8>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error @below {{encrypted result needs 13 bits (proven range [-2558, 2542]) but max-bit-width is 4}}
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x4xi8>, tensor<1x4x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x2xi32>
  return %y : tensor<1x1x2xi32>
}

// -----

// Declared ranges and clear arguments: x in [0, 1] (2 bits in a
// two's-complement type), clear weights in [-1, 1] (not constants: each
// product is bounded by [-1, 1]): each of the two sums of four products is
// in [-4, 4], 4 bits.
// PROOF-LABEL: "function": "declared_and_clear"
// PROOF: "bits": 2,
// PROOF-NEXT: "loc":
// PROOF-NEXT: "op": "argument #0",
// PROOF-NEXT: "range": [
// PROOF-NEXT: 0,
// PROOF-NEXT: 1
// PROOF: "bits": 4,
// PROOF-NEXT: "loc":
// PROOF-NEXT: "op": "linalg.matmul",
// PROOF-NEXT: "range": [
// PROOF-NEXT: -4,
// PROOF-NEXT: 4
// PROOF: "proven": true
func.func @declared_and_clear(%x: tensor<1x4xi8> {qfhe.range = array<i64: 0, 1>},
                              %w: tensor<4x2xi8> {qfhe.clear, qfhe.range = array<i64: -1, 1>}) -> tensor<1x2xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1x2xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1x2xi8>) -> tensor<1x2xi8>
  %y = linalg.matmul ins(%x, %w : tensor<1x4xi8>, tensor<4x2xi8>) outs(%f : tensor<1x2xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

// A real-valued declaration works on integer arguments when its bounds are
// integers.
// PROOF-LABEL: "function": "declared_as_reals"
// PROOF: "op": "argument #0",
// PROOF-NEXT: "range": [
// PROOF-NEXT: -2,
// PROOF-NEXT: 3
func.func @declared_as_reals(%x: tensor<4xi8> {qfhe.range = array<f64: -2.0, 3.0>}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// expected-error @below {{qfhe.range of argument #0 [-200, 3] leaves the range [-128, 127] of its type}}
func.func @declared_outside_the_type(%x: tensor<4xi8> {qfhe.range = array<i64: -200, 3>}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// expected-error @below {{qfhe.range of argument #0 must have integral bounds on an integer argument}}
func.func @declared_fractions(%x: tensor<4xi3> {qfhe.range = array<f64: 0.5, 3.0>}) -> tensor<4xi3> {
  return %x : tensor<4xi3>
}

// -----

// The dialect rejects it where it is attached, before any pass.
// expected-error @below {{argument #0: qfhe.range [3, 0] is inverted (its minimum is above its maximum)}}
func.func @declared_backwards(%x: tensor<4xi3> {qfhe.range = array<i64: 3, 0>}) -> tensor<4xi3> {
  return %x : tensor<4xi3>
}

// -----

// A clear argument is not checked against the cap; computing with it alone
// stays clear.
// PROOF-LABEL: "function": "clear_only"
// PROOF: "proven": true
// PROOF-NEXT: "roundings"
// PROOF: "values": []
func.func @clear_only(%w: tensor<4xi32> {qfhe.clear}) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4xi32>
  %s = linalg.add ins(%w, %w : tensor<4xi32>, tensor<4xi32>) outs(%e : tensor<4xi32>) -> tensor<4xi32>
  return %s : tensor<4xi32>
}
