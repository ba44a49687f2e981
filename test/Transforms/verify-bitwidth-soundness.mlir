// RUN: quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=6" --verify-diagnostics -o /dev/null
// RUN: not quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=7 report=-" -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=PROOF

// Programs the first verifier proved although they overflow (issue #11),
// each now rejected with the true range, or proven with it when the cap
// allows. Integer arguments are encrypted: x is in [-4, 3] (i3).

// A constant left operand times an encrypted right operand: row 0 of w is
// [3, 3, 3], so row 0 of the product is 3 * (x0 + x1 + x2) in [-36, 27], 7
// bits; row 1 is x0 - 2 x1 in [-10, 11]. The lookup after it is checked
// too.
// PROOF-LABEL: "function": "constant_left_operand"
// PROOF: "axis": 0,
// PROOF-NEXT: "bits": 7,
// PROOF-NEXT: "channels": [
// PROOF-NEXT: [
// PROOF-NEXT: -36,
// PROOF-NEXT: 27
// PROOF-NEXT: ],
// PROOF-NEXT: [
// PROOF-NEXT: -10,
// PROOF-NEXT: 11
// PROOF-NEXT: ]
// PROOF-NEXT: ],
// PROOF-NEXT: "loc":
// PROOF-NEXT: "op": "linalg.matmul",
func.func @constant_left_operand(%x: tensor<3x4xi3>) -> tensor<2x4xi2> {
  %w = arith.constant dense<[[3, 3, 3], [1, -2, 0]]> : tensor<2x3xi4>
  %c0 = arith.constant 0 : i7
  %e = tensor.empty() : tensor<2x4xi7>
  %f = linalg.fill ins(%c0 : i7) outs(%e : tensor<2x4xi7>) -> tensor<2x4xi7>
  // expected-error @below {{encrypted result needs 7 bits (proven range [-36, 27]) but max-bit-width is 6}}
  %acc = linalg.matmul ins(%w, %x : tensor<2x3xi4>, tensor<3x4xi3>) outs(%f : tensor<2x4xi7>) -> tensor<2x4xi7>
  // expected-error @below {{table lookup on a 7-bit input but tlu-bit-width is 6}}
  %l = qfhe.lut %acc {table = dense<1> : tensor<128xi2>} : tensor<2x4xi7> -> tensor<2x4xi2>
  return %l : tensor<2x4xi2>
}

// -----

// A reduction whose body multiplies encrypted values (x^4) is not a sum.
func.func @product_of_encrypted_values(%x: tensor<1x4xi3>) -> tensor<1xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1xi8>) -> tensor<1xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' multiplies encrypted values (a product of encrypted values needs lookups in TFHE)}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x4xi3>) outs(%f : tensor<1xi8>) {
  ^bb0(%in: i3, %out: i8):
    %a = arith.extsi %in : i3 to i8
    %p = arith.muli %a, %a : i8
    %q = arith.muli %p, %p : i8
    %s = arith.addi %out, %q : i8
    linalg.yield %s : i8
  } -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// A convolution whose init is a constant tensor of 30: 30 + x is in
// [26, 33], and 32, 33 wrap in i6.
func.func @constant_tensor_init(%x: tensor<1x1x3x3xi3>) -> tensor<1x1x3x3xi6> {
  %w = arith.constant dense<1> : tensor<1x1x1x1xi2>
  %init = arith.constant dense<30> : tensor<1x1x3x3xi6>
  // expected-error @below {{proven range [26, 33] does not fit the result type 'i6' (7 bits needed)}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x3x3xi3>, tensor<1x1x1x1xi2>) outs(%init : tensor<1x1x3x3xi6>) -> tensor<1x1x3x3xi6>
  return %c : tensor<1x1x3x3xi6>
}

// -----

// A matmul whose indexing maps read the weights transposed (stored
// [columns, rows]): column 0 is 3 * (x0 + x1 + x2) in [-36, 27], column 1
// is x0 in [-4, 3].
// PROOF-LABEL: "function": "transposed_weights"
// PROOF: "axis": 1,
// PROOF-NEXT: "bits": 7,
// PROOF-NEXT: "channels": [
// PROOF-NEXT: [
// PROOF-NEXT: -36,
// PROOF-NEXT: 27
// PROOF-NEXT: ],
// PROOF-NEXT: [
// PROOF-NEXT: -4,
// PROOF-NEXT: 3
// PROOF-NEXT: ]
// PROOF-NEXT: ],
// PROOF-NEXT: "loc":
// PROOF-NEXT: "op": "linalg.matmul",
func.func @transposed_weights(%x: tensor<4x3xi3>) -> tensor<4x2xi7> {
  %wt = arith.constant dense<[[3, 3, 3], [1, 0, 0]]> : tensor<2x3xi3>
  %c0 = arith.constant 0 : i7
  %e = tensor.empty() : tensor<4x2xi7>
  %f = linalg.fill ins(%c0 : i7) outs(%e : tensor<4x2xi7>) -> tensor<4x2xi7>
  // expected-error @below {{encrypted result needs 7 bits (proven range [-36, 27]) but max-bit-width is 6}}
  %acc = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %wt : tensor<4x3xi3>, tensor<2x3xi3>) outs(%f : tensor<4x2xi7>) -> tensor<4x2xi7>
  return %acc : tensor<4x2xi7>
}

// -----

// The same with the encrypted operand transposed (stored [rows, samples]).
// PROOF-LABEL: "function": "transposed_input"
// PROOF: "axis": 1,
// PROOF-NEXT: "bits": 7,
// PROOF-NEXT: "channels": [
// PROOF-NEXT: [
// PROOF-NEXT: -36,
// PROOF-NEXT: 27
// PROOF-NEXT: ],
// PROOF-NEXT: [
// PROOF-NEXT: -4,
// PROOF-NEXT: 3
// PROOF-NEXT: ]
func.func @transposed_input(%xt: tensor<3x4xi3>) -> tensor<4x2xi7> {
  %w = arith.constant dense<[[3, 1], [3, 0], [3, 0]]> : tensor<3x2xi3>
  %c0 = arith.constant 0 : i7
  %e = tensor.empty() : tensor<4x2xi7>
  %f = linalg.fill ins(%c0 : i7) outs(%e : tensor<4x2xi7>) -> tensor<4x2xi7>
  // expected-error @below {{encrypted result needs 7 bits (proven range [-36, 27]) but max-bit-width is 6}}
  %acc = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>] ins(%xt, %w : tensor<3x4xi3>, tensor<3x2xi3>) outs(%f : tensor<4x2xi7>) -> tensor<4x2xi7>
  return %acc : tensor<4x2xi7>
}

// -----

// [-36, 27] spans 64 values, as many as i6 holds, but no multiple of 64
// brings it inside [-32, 31]: it needs 7 bits, whatever the shift.
func.func @straddles_the_type(%x: tensor<4x3xi3>) -> tensor<4x1xi6> {
  %w = arith.constant dense<[[3], [3], [3]]> : tensor<3x1xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<4x1xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<4x1xi6>) -> tensor<4x1xi6>
  // expected-error @below {{proven range [-36, 27] does not fit the result type 'i6' (7 bits needed)}}
  %acc = linalg.matmul ins(%x, %w : tensor<4x3xi3>, tensor<3x1xi3>) outs(%f : tensor<4x1xi6>) -> tensor<4x1xi6>
  return %acc : tensor<4x1xi6>
}

// -----

// What modular arithmetic does prove: with x declared in [1, 3], 31 +
// 4 * (x0 + x1 + x2) is exactly in [43, 67], which i6 holds as [43, 67] -
// 64 = [-21, 3] (partial sums wrap, the final value is exact): proven, and
// marked modular.
// PROOF-LABEL: "function": "modular_sum"
// PROOF: "bits": 6,
// PROOF-NEXT: "loc":
// PROOF-NEXT: "modular": true,
// PROOF-NEXT: "op": "linalg.matmul",
// PROOF-NEXT: "range": [
// PROOF-NEXT: -21,
// PROOF-NEXT: 3
func.func @modular_sum(%x: tensor<4x3xi3> {qfhe.range = array<i64: 1, 3>}) -> tensor<4x1xi6> {
  %w = arith.constant dense<[[4], [4], [4]]> : tensor<3x1xi4>
  %c31 = arith.constant 31 : i6
  %e = tensor.empty() : tensor<4x1xi6>
  %f = linalg.fill ins(%c31 : i6) outs(%e : tensor<4x1xi6>) -> tensor<4x1xi6>
  %acc = linalg.matmul ins(%x, %w : tensor<4x3xi3>, tensor<3x1xi4>) outs(%f : tensor<4x1xi6>) -> tensor<4x1xi6>
  return %acc : tensor<4x1xi6>
}
