// RUN: quant-opt %s --split-input-file --verify-diagnostics

// expected-error @+1 {{quantization storage has 33 bits; expected between 1 and 32}}
func.func @too_many_bits() attributes {p = #qfhe.quant<si33, scale = 1.0, zero_point = 0>} { return }

// -----

// expected-error @+1 {{quantized storage must state its signedness (si8 or ui8), got 'i8'}}
func.func @signless_storage() attributes {p = #qfhe.quant<i8, scale = 1.0, zero_point = 0>} { return }

// -----

// expected-error @+1 {{scale is 0.000000e+00; expected a finite value > 0}}
func.func @zero_scale() attributes {p = #qfhe.quant<si8, scale = 0.0, zero_point = 0>} { return }

// -----

// expected-error @+1 {{scale is -5.000000e-01; expected a finite value > 0}}
func.func @negative_scale() attributes {p = #qfhe.quant<si8, scale = -0.5, zero_point = 0>} { return }

// -----

// expected-error @+1 {{scale is INF; expected a finite value > 0}}
func.func @infinite_scale() attributes {p = #qfhe.quant<si8, scale = 0x7FF0000000000000, zero_point = 0>} { return }

// -----

// expected-error @+1 {{scale of channel 1 is nan; expected a finite value > 0}}
func.func @nan_scale() attributes {p = #qfhe.quant<si8, axis = 0, scales = [1.0, 0x7FF8000000000000], zero_points = [0, 0]>} { return }

// -----

// expected-error @+1 {{zero point is 256, outside the integer range [0, 255] of ui8}}
func.func @zero_point_above() attributes {p = #qfhe.quant<ui8, scale = 1.0, zero_point = 256>} { return }

// -----

// expected-error @+1 {{zero point of channel 0 is -128, outside the integer range [-127, 127] of si8 narrow}}
func.func @zero_point_narrow() attributes {p = #qfhe.quant<si8 narrow, axis = 1, scales = [1.0], zero_points = [-128]>} { return }

// -----

// expected-error @+1 {{narrow range needs at least 2 bits, got 1}}
func.func @narrow_one_bit() attributes {p = #qfhe.quant<ui1 narrow, scale = 1.0, zero_point = 1>} { return }

// -----

// expected-error @+1 {{quantization parameters have 2 scales but 1 zero points}}
func.func @count_mismatch() attributes {p = #qfhe.quant<si8, axis = 0, scales = [1.0, 2.0], zero_points = [0]>} { return }

// -----

// expected-error @+1 {{quantization axis -1 must be non-negative}}
func.func @negative_axis() attributes {p = #qfhe.quant<si8, axis = -1, scales = [1.0], zero_points = [0]>} { return }

// -----

func.func @quantize_signless(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qfhe.quantize' op result element type 'i8' is signless; quantized storage states its signedness: expected 'ui8'}}
  %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>} : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @quantize_contradicts(%x: tensor<4xf32>) -> tensor<4xsi16> {
  // expected-error @+1 {{'qfhe.quantize' op result element type 'si16' contradicts the quantization parameters, whose storage is 'si8'}}
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, scale = 0.1, zero_point = 3>} : tensor<4xf32> -> tensor<4xsi16>
  return %q : tensor<4xsi16>
}

// -----

func.func @quantize_wrong_signedness(%x: tensor<4xf32>) -> tensor<4xsi8> {
  // expected-error @+1 {{result element type 'si8' contradicts the quantization parameters, whose storage is 'ui8'}}
  %q = qfhe.quantize %x {params = #qfhe.quant<ui8, scale = 0.1, zero_point = 3>} : tensor<4xf32> -> tensor<4xsi8>
  return %q : tensor<4xsi8>
}

// -----

func.func @quantize_axis_out_of_rank(%x: tensor<4xf32>) -> tensor<4xsi8> {
  // expected-error @+1 {{result has per-axis parameters on axis 1 but type 'tensor<4xsi8>' has rank 1}}
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, axis = 1, scales = [1.0], zero_points = [0]>} : tensor<4xf32> -> tensor<4xsi8>
  return %q : tensor<4xsi8>
}

// -----

func.func @quantize_channel_count(%x: tensor<2x4xf32>) -> tensor<2x4xsi8> {
  // expected-error @+1 {{result has 3 per-axis scales but dimension 1 of 'tensor<2x4xsi8>' has size 4}}
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, axis = 1, scales = [1.0, 1.0, 1.0], zero_points = [0, 0, 0]>} : tensor<2x4xf32> -> tensor<2x4xsi8>
  return %q : tensor<2x4xsi8>
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) -> tensor<5xsi8> {
  // expected-error @+1 {{'qfhe.quantize' op requires the same shape for all operands and results}}
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>} : tensor<4xf32> -> tensor<5xsi8>
  return %q : tensor<5xsi8>
}

// -----

func.func @quantize_from_integers(%x: tensor<4xi32>) -> tensor<4xsi8> {
  // expected-error @+1 {{'qfhe.quantize' op operand #0 must be ranked tensor of floating-point values}}
  %q = qfhe.quantize %x {params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>} : tensor<4xi32> -> tensor<4xsi8>
  return %q : tensor<4xsi8>
}

// -----

func.func @dequantize_contradicts(%q: tensor<4xui8>) -> tensor<4xf32> {
  // expected-error @+1 {{'qfhe.dequantize' op input element type 'ui8' contradicts the quantization parameters, whose storage is 'si8'}}
  %x = qfhe.dequantize %q {params = #qfhe.quant<si8, scale = 0.1, zero_point = 3>} : tensor<4xui8> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

func.func @requantize_axes(%q: tensor<2x2xsi8>) -> tensor<2x2xsi8> {
  // expected-error @+1 {{'qfhe.requantize' op per-axis parameters on different axes: 0 and 1}}
  %r = qfhe.requantize %q {from = #qfhe.quant<si8, axis = 0, scales = [1.0, 2.0], zero_points = [0, 0]>, to = #qfhe.quant<si8, axis = 1, scales = [1.0, 2.0], zero_points = [0, 0]>} : tensor<2x2xsi8> -> tensor<2x2xsi8>
  return %r : tensor<2x2xsi8>
}

// -----

func.func @requantize_result(%q: tensor<2xsi8>) -> tensor<2xsi8> {
  // expected-error @+1 {{'qfhe.requantize' op result element type 'si8' contradicts the quantization parameters, whose storage is 'ui4'}}
  %r = qfhe.requantize %q {from = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, to = #qfhe.quant<ui4, scale = 1.0, zero_point = 0>} : tensor<2xsi8> -> tensor<2xsi8>
  return %r : tensor<2xsi8>
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
