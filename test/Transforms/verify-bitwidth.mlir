// RUN: quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=6" --verify-diagnostics | FileCheck %s

// Every check of the verifier, on small integer circuits: x is a 3-bit
// encrypted input in [-4, 3].

// Fits: column 0 of w = [1, 3, -1] sums to [-4 + -12 + -3, 3 + 9 + 4] =
// [-19, 16] (6 bits), column 1 = [-2, 1, 0] to [-10, 11] (5 bits).
// CHECK-LABEL: func @fits
func.func @fits(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = qfhe.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<4x3x!quant.uniform<i3:f32, 0.25>> to tensor<4x3xi3>
  %w = arith.constant dense<[[1, -2], [3, 1], [-1, 0]]> : tensor<3x2xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<4x2xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<4x2xi6>) -> tensor<4x2xi6>
  %acc = linalg.matmul ins(%i, %w : tensor<4x3xi3>, tensor<3x2xi3>) outs(%f : tensor<4x2xi6>) -> tensor<4x2xi6>
  %s = quant.scast %acc : tensor<4x2xi6> to tensor<4x2x!quant.uniform<i6:f32, 0.25>>
  %d = qfhe.dequantize %s : tensor<4x2x!quant.uniform<i6:f32, 0.25>> -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

// w = [3, 3, 3] sums to [-36, 27]: 7 bits. Encrypted results may be
// returned as they are (the client decrypts them).
func.func @over_cap(%x: tensor<4x3xf32>) -> tensor<4x1xi7> {
  %q = qfhe.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<4x3x!quant.uniform<i3:f32, 0.25>> to tensor<4x3xi3>
  %w = arith.constant dense<[[3], [3], [3]]> : tensor<3x1xi4>
  %c0 = arith.constant 0 : i7
  %e = tensor.empty() : tensor<4x1xi7>
  %f = linalg.fill ins(%c0 : i7) outs(%e : tensor<4x1xi7>) -> tensor<4x1xi7>
  // expected-error @below {{encrypted result needs 7 bits (proven range [-36, 27]) but max-bit-width is 6}}
  %acc = linalg.matmul ins(%i, %w : tensor<4x3xi3>, tensor<3x1xi4>) outs(%f : tensor<4x1xi7>) -> tensor<4x1xi7>
  return %acc : tensor<4x1xi7>
}

// -----

// A type too narrow for the proven range: [-19, 16] in i5.
func.func @narrow_type(%x: tensor<4x3xf32>) -> tensor<4x1xi5> {
  %q = qfhe.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<4x3x!quant.uniform<i3:f32, 0.25>> to tensor<4x3xi3>
  %w = arith.constant dense<[[1], [3], [-1]]> : tensor<3x1xi3>
  %c0 = arith.constant 0 : i5
  %e = tensor.empty() : tensor<4x1xi5>
  %f = linalg.fill ins(%c0 : i5) outs(%e : tensor<4x1xi5>) -> tensor<4x1xi5>
  // expected-error @below {{proven range [-19, 16] does not fit the result type 'i5' (6 bits needed)}}
  %acc = linalg.matmul ins(%i, %w : tensor<4x3xi3>, tensor<3x1xi3>) outs(%f : tensor<4x1xi5>) -> tensor<4x1xi5>
  return %acc : tensor<4x1xi5>
}

// -----

// A lookup wider than tlu-bit-width (which defaults to max-bit-width). The
// client's 7-bit input is itself over the cap (reported once, where it is
// encrypted, not again where it is bitcast).
func.func @wide_lookup(%x: tensor<4xf32>) -> tensor<4xi2> {
  // expected-error @below {{encrypted result needs 7 bits (proven range [-64, 63]) but max-bit-width is 6}}
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i7:f32, 0.25>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i7:f32, 0.25>> to tensor<4xi7>
  // expected-error @below {{table lookup on a 7-bit input but tlu-bit-width is 6}}
  %l = qfhe.lut %i {table = dense<1> : tensor<128xi2>} : tensor<4xi7> -> tensor<4xi2>
  return %l : tensor<4xi2>
}

// -----

// Rounding narrows the range: [-4, 3] >> 1, to nearest (ties up): [-2, 2].
// A lookup's result range is the range of the entries its input reaches:
// entries 0..7 of [1, 2, 3, 4, 5, 6, 7, -8] minus the unreachable ones.
// CHECK-LABEL: func @round_and_lookup
func.func @round_and_lookup(%x: tensor<4xf32>) -> tensor<4xi4> {
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i3:f32, 0.25>> to tensor<4xi3>
  %r = qfhe.round %i drop 1 : tensor<4xi3> -> tensor<4xi3>
  %l = qfhe.lut %r {table = dense<[1, 2, 3, 4, 5, 6, 7, -8]> : tensor<8xi4>} : tensor<4xi3> -> tensor<4xi4>
  return %l : tensor<4xi4>
}

// -----

// Products of two encrypted values need lookups in TFHE.
func.func @encrypted_product(%x: tensor<3x3xf32>) -> tensor<3x3xi6> {
  %q = qfhe.quantize %x : tensor<3x3xf32> -> tensor<3x3x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<3x3x!quant.uniform<i3:f32, 0.25>> to tensor<3x3xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<3x3xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<3x3xi6>) -> tensor<3x3xi6>
  // expected-error @below {{cannot verify: 'linalg.matmul' multiplies encrypted values (a product of encrypted values needs lookups in TFHE)}}
  %p = linalg.matmul ins(%i, %i : tensor<3x3xi3>, tensor<3x3xi3>) outs(%f : tensor<3x3xi6>) -> tensor<3x3xi6>
  return %p : tensor<3x3xi6>
}

// -----

// Float arithmetic inside the circuit.
func.func @float_inside(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i3:f32, 0.25>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i3:f32, 0.25>> to tensor<4xi3>
  // expected-error @below {{cannot verify: 'arith.sitofp' computes on encrypted values but is not an integer circuit op}}
  %f = arith.sitofp %i : tensor<4xi3> to tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

// Max pooling compares by differences (b + relu(a - b)): [-32, 31] -
// [-32, 31] spans [-63, 63], 7 bits, over the 6-bit cap.
func.func @max_pool(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xi6> {
  %q = qfhe.quantize %x : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<i6:f32, 0.25>>
  %i = quant.scast %q : tensor<1x1x2x2x!quant.uniform<i6:f32, 0.25>> to tensor<1x1x2x2xi6>
  %lowest = arith.constant -32 : i6
  %e = tensor.empty() : tensor<1x1x1x1xi6>
  %f = linalg.fill ins(%lowest : i6) outs(%e : tensor<1x1x1x1xi6>) -> tensor<1x1x1x1xi6>
  %window = tensor.empty() : tensor<2x2xi6>
  // expected-error @below {{max pooling compares values of range [-32, 31]: their differences need 7 bits but max-bit-width is 6}}
  %m = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%i, %window : tensor<1x1x2x2xi6>, tensor<2x2xi6>) outs(%f : tensor<1x1x1x1xi6>) -> tensor<1x1x1x1xi6>
  return %m : tensor<1x1x1x1xi6>
}
