// RUN: quant-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// The declared and observed ranges users and tools attach to float
// programs (docs/attributes.md) are checked where they are attached.

// CHECK-LABEL: func @valid
// A constant input (lo == hi) and infinite observed bounds (max pooling
// pads with -inf) are valid; empty observations too.
func.func @valid(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.5, 0.5>},
                 %y: tensor<?x2xf32> {qfhe.observed = {min = 0xFFF0000000000000 : f64, max = 2.0 : f64, axis = 1 : i64, channel_min = array<f64: 0xFFF0000000000000, 1.0>, channel_max = array<f64: 0.0, 2.0>}})
    -> tensor<?x2xf32> {
  %s = arith.addf %x, %y {qfhe.observed = [{min = -1 : i64, max = 3.0 : f64}]} : tensor<?x2xf32>
  %t = arith.addf %s, %s {qfhe.observed = [{}]} : tensor<?x2xf32>
  return %t : tensor<?x2xf32>
}

// -----

// expected-error @below {{argument #0: qfhe.range [1, -1] is inverted (its minimum is above its maximum)}}
func.func @inverted(%x: tensor<4xf32> {qfhe.range = array<f64: 1.0, -1.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{argument #0: qfhe.range [nan, 1] is not finite}}
func.func @nan(%x: tensor<4xf32> {qfhe.range = array<f64: 0x7FF8000000000000, 1.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A declared range must be finite: an unbounded input has no quantization.
// expected-error @below {{argument #0: qfhe.range [0, inf] is not finite}}
func.func @infinite(%x: tensor<4xf32> {qfhe.range = array<f64: 0.0, 0x7FF0000000000000>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// On an integer argument, qfhe.range may declare its integers.
// CHECK-LABEL: func.func @integer_range
func.func @integer_range(%x: tensor<4xi8> {qfhe.range = array<i64: -8, 7>}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// expected-error @below {{argument #0: qfhe.range [7, -8] is inverted (its minimum is above its maximum)}}
func.func @integer_range_inverted(%x: tensor<4xi8> {qfhe.range = array<i64: 7, -8>}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// expected-error @below {{argument #0: qfhe.range array<i64: lo, hi> declares integers, but the argument is 'tensor<4xf32>' (declare its reals as array<f64: lo, hi>)}}
func.func @integer_range_on_floats(%x: tensor<4xf32> {qfhe.range = array<i64: 0, 1>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{argument #0: qfhe.range must be array<f64: lo, hi> or array<i64: lo, hi> (two bounds), not array<f64: 0.000000e+00, 1.000000e+00, 2.000000e+00>}}
func.func @three_bounds(%x: tensor<4xf32> {qfhe.range = array<f64: 0.0, 1.0, 2.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{argument #0: qfhe.range must be array<f64: lo, hi> or array<i64: lo, hi> (two bounds), not array<f64>}}
func.func @empty(%x: tensor<4xf32> {qfhe.range = array<f64>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{argument #0: qfhe.range must be array<f64: lo, hi> or array<i64: lo, hi> (two bounds), not [0.000000e+00, 1.000000e+00]}}
func.func @not_an_array(%x: tensor<4xf32> {qfhe.range = [0.0, 1.0]}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{argument #1: qfhe.observed [2, 1] is inverted (its minimum is above its maximum)}}
func.func @observed_inverted(%x: tensor<4xf32>, %y: tensor<4xf32> {qfhe.observed = {min = 2.0 : f64, max = 1.0 : f64}}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

func.func @observed_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed [nan, 1] is not finite}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0x7FF8000000000000 : f64, max = 1.0 : f64}]} : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @observed_missing_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed needs numbers 'min' and 'max'}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64}]} : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @observed_unknown_key(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed has unexpected key 'mean' (expected min, max, axis, channel_min, channel_max)}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, mean = 0.5 : f64}]} : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @observed_per_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf': qfhe.observed must be an array of one dictionary per result (1), not {max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}}}
  %s = arith.addf %x, %x {qfhe.observed = {min = 0.0 : f64, max = 1.0 : f64}} : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @observed_not_a_dictionary(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed must be #qfhe.observed<...> or a dictionary, not 1.000000e+00 : f64}}
  %s = arith.addf %x, %x {qfhe.observed = [1.0 : f64]} : tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

func.func @channels_without_axis(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed per-channel ranges need an integer 'axis' and 'channel_min' and 'channel_max' as array<f64>}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 1.0>}]} : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

func.func @channel_counts(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed has 2 channel minima but 3 channel maxima}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, axis = 1 : i64, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 1.0, 1.0>}]} : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

func.func @channels_of_the_wrong_length(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed has 3 channels but dimension 1 of 'tensor<4x2xf32>' has 2}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, axis = 1 : i64, channel_min = array<f64: 0.0, 0.0, 0.0>, channel_max = array<f64: 1.0, 1.0, 1.0>}]} : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

func.func @axis_out_of_rank(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed axis 2 is not a dimension of 'tensor<4x2xf32>'}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, axis = 2 : i64, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 1.0>}]} : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

func.func @channel_inverted(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{'arith.addf' result #0: qfhe.observed channel 1 range [1, 0] is inverted (its minimum is above its maximum)}}
  %s = arith.addf %x, %x {qfhe.observed = [{min = 0.0 : f64, max = 1.0 : f64, axis = 1 : i64, channel_min = array<f64: 0.0, 1.0>, channel_max = array<f64: 1.0, 0.0>}]} : tensor<4x2xf32>
  return %s : tensor<4x2xf32>
}

// -----

// Calibration's statistics per channel have one entry per channel.
// expected-error @below {{argument #0: qfhe.observed has 2 channels but dimension 1 of 'tensor<1x3xf32>' has 3}}
func.func @observed_channels(%x: tensor<1x3xf32> {qfhe.observed = #qfhe.observed<min = 0.0, max = 4.0, axis = 1, channel_min = [0.0, 0.0], channel_max = [4.0, 2.0]>}) -> tensor<1x3xf32> {
  return %x : tensor<1x3xf32>
}
