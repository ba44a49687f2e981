// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @quantize_expressed(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f64, 0.5>> {
  // expected-error @+1 {{'qfhe.quantize' op result type expresses 'f64' but the float type is 'f32'}}
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f64, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f64, 0.5>>
}

// -----

func.func @quantize_to_integers(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qfhe.quantize' op result #0 must be ranked tensor of !quant.uniform (per tensor or per axis) values, but got 'tensor<4xi8>'}}
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @quantize_sub_channel(%x: tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i8:f32:{0:1}, {{2.0}, {3.0}}>> {
  // expected-error @+1 {{'qfhe.quantize' op result #0 must be ranked tensor of !quant.uniform (per tensor or per axis) values}}
  %q = qfhe.quantize %x : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:{0:1}, {{2.0}, {3.0}}>>
  return %q : tensor<2x2x!quant.uniform<i8:f32:{0:1}, {{2.0}, {3.0}}>>
}

// -----

func.func @quantize_axis_out_of_rank(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32:1, {1.0}>> {
  // expected-error @+1 {{'qfhe.quantize' op result has per-axis parameters on axis 1 but type 'tensor<4x!quant.uniform<i8:f32:1, {1.000000e+00}>>' has rank 1}}
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {1.0}>>
  return %q : tensor<4x!quant.uniform<i8:f32:1, {1.0}>>
}

// -----

func.func @quantize_channel_count(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:1, {1.0, 1.0, 1.0}>> {
  // expected-error @+1 {{'qfhe.quantize' op result has 3 per-axis scales but dimension 1 of 'tensor<2x4x!quant.uniform<i8:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00}>>' has size 4}}
  %q = qfhe.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:1, {1.0, 1.0, 1.0}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:1, {1.0, 1.0, 1.0}>>
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) -> tensor<5x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.quantize' op requires the same shape for all operands and results}}
  %q = qfhe.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<5x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @quantize_from_integers(%x: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.quantize' op operand #0 must be ranked tensor of floating-point values}}
  %q = qfhe.quantize %x : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<4x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @dequantize_expressed(%q: tensor<4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<4xf16> {
  // expected-error @+1 {{'qfhe.dequantize' op input type expresses 'f32' but the float type is 'f16'}}
  %x = qfhe.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<4xf16>
  return %x : tensor<4xf16>
}

// -----

func.func @dequantize_integers(%q: tensor<4xui8>) -> tensor<4xf32> {
  // expected-error @+1 {{'qfhe.dequantize' op operand #0 must be ranked tensor of !quant.uniform (per tensor or per axis) values, but got 'tensor<4xui8>'}}
  %x = qfhe.dequantize %q : tensor<4xui8> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

func.func @requantize_axes(%q: tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>>) -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> {
  // expected-error @+1 {{'qfhe.requantize' op per-axis parameters on different axes: 0 and 1}}
  %r = qfhe.requantize %q : tensor<2x2x!quant.uniform<i8:f32:0, {1.0, 2.0}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
  return %r : tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>
}

// -----

func.func @requantize_ratio(%q: tensor<2x!quant.uniform<i32:f32, 1.0e10>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.requantize' op scale ratio 1e+10 of channel 0 has no fixed-point form (it must be below 2^31)}}
  %r = qfhe.requantize %q : tensor<2x!quant.uniform<i32:f32, 1.0e10>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %r : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// A float multiplier has no such limit.
func.func @requantize_float_ratio(%q: tensor<2x!quant.uniform<i32:f32, 1.0e10>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  %r = qfhe.requantize %q {rounding = #qfhe.rounding<float_half_even>} : tensor<2x!quant.uniform<i32:f32, 1.0e10>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %r : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @requantize_rounding(%q: tensor<2x!quant.uniform<i32:f32, 1.0>>) -> tensor<2x!quant.uniform<i8:f32, 1.0>> {
  // expected-error @+2 {{expected ::mlir::qfhe::RoundingMode to be one of: fixed_point, fixed_point_double, float_half_even}}
  // expected-error @+1 {{failed to parse QFHE_RoundingModeAttr parameter 'value'}}
  %r = qfhe.requantize %q {rounding = #qfhe.rounding<nearest>} : tensor<2x!quant.uniform<i32:f32, 1.0>> -> tensor<2x!quant.uniform<i8:f32, 1.0>>
  return %r : tensor<2x!quant.uniform<i8:f32, 1.0>>
}

// -----

func.func @lut_size(%x: tensor<4xi3>) -> tensor<4xi3> {
  // expected-error @+1 {{'qfhe.lut' op table has 4 entries per row but a 3-bit input needs 2^3 = 8}}
  %y = qfhe.lut %x {table = dense<[0, 1, 2, 3]> : tensor<4xi3>} : tensor<4xi3> -> tensor<4xi3>
  return %y : tensor<4xi3>
}

// -----

func.func @lut_entry(%x: tensor<4xi2>) -> tensor<4xi3> {
  // expected-error @+1 {{'qfhe.lut' op table entry 4 at index 2 does not fit the result element type 'i3' (range [-4, 3])}}
  %y = qfhe.lut %x {table = dense<[0, 1, 4, 3]> : tensor<4xi8>} : tensor<4xi2> -> tensor<4xi3>
  return %y : tensor<4xi3>
}

// -----

func.func @lut_unsigned_entry(%x: tensor<4xi2>) -> tensor<4xui2> {
  // expected-error @+1 {{'qfhe.lut' op table entry -1 at index 0 does not fit the result element type 'ui2' (range [0, 3])}}
  %y = qfhe.lut %x {table = dense<[-1, 1, 2, 3]> : tensor<4xi8>} : tensor<4xi2> -> tensor<4xui2>
  return %y : tensor<4xui2>
}

// -----

func.func @lut_rank_without_axis(%x: tensor<2x2xi1>) -> tensor<2x2xi1> {
  // expected-error @+1 {{'qfhe.lut' op table of type 'tensor<2x2xi1>' has rank 2; expected 1 (or an axis for one table per channel)}}
  %y = qfhe.lut %x {table = dense<[[0, -1], [-1, 0]]> : tensor<2x2xi1>} : tensor<2x2xi1> -> tensor<2x2xi1>
  return %y : tensor<2x2xi1>
}

// -----

func.func @lut_axis_range(%x: tensor<2x2xi1>) -> tensor<2x2xi1> {
  // expected-error @+1 {{'qfhe.lut' op axis 2 is out of range for an input of rank 2}}
  %y = qfhe.lut %x {axis = 2 : i64, table = dense<[[0, -1], [-1, 0]]> : tensor<2x2xi1>} : tensor<2x2xi1> -> tensor<2x2xi1>
  return %y : tensor<2x2xi1>
}

// -----

func.func @lut_rows(%x: tensor<2x3xi1>) -> tensor<2x3xi1> {
  // expected-error @+1 {{'qfhe.lut' op table has 2 rows but dimension 1 of the input has size 3}}
  %y = qfhe.lut %x {axis = 1 : i64, table = dense<[[0, -1], [-1, 0]]> : tensor<2x2xi1>} : tensor<2x3xi1> -> tensor<2x3xi1>
  return %y : tensor<2x3xi1>
}

// -----

func.func @lut_too_wide(%x: tensor<2xi40>) -> tensor<2xi8> {
  // expected-error @+1 {{'qfhe.lut' op input element type 'i40' is too wide for a table lookup (2^40 entries); round it first}}
  %y = qfhe.lut %x {table = dense<0> : tensor<1xi8>} : tensor<2xi40> -> tensor<2xi8>
  return %y : tensor<2xi8>
}

// -----

func.func @round_nothing(%x: tensor<2xi8>) -> tensor<2xi8> {
  // expected-error @+1 {{'qfhe.round' op drops 0 bits; expected at least 1}}
  %y = qfhe.round %x drop 0 : tensor<2xi8> -> tensor<2xi8>
  return %y : tensor<2xi8>
}

// -----

func.func @round_everything(%x: tensor<2xi8>) -> tensor<2xi1> {
  // expected-error @+1 {{'qfhe.round' op drops 8 bits but the input 'i8' has only 8}}
  %y = qfhe.round %x drop 8 : tensor<2xi8> -> tensor<2xi1>
  return %y : tensor<2xi1>
}

// -----

func.func @round_too_narrow(%x: tensor<2xi8>) -> tensor<2xi4> {
  // expected-error @+1 {{'qfhe.round' op result element type 'i4' must have between 5 and 8 bits (8-bit input, 3 dropped)}}
  %y = qfhe.round %x drop 3 : tensor<2xi8> -> tensor<2xi4>
  return %y : tensor<2xi4>
}

// -----

func.func @round_signedness(%x: tensor<2xui8>) -> tensor<2xi6> {
  // expected-error @+1 {{'qfhe.round' op result element type 'i6' has another signedness than the input 'ui8'}}
  %y = qfhe.round %x drop 3 : tensor<2xui8> -> tensor<2xi6>
  return %y : tensor<2xi6>
}
