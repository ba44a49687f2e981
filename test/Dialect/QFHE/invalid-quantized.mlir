// RUN: quant-opt %s --split-input-file --verify-diagnostics

// The types tie every def-use edge: a quantize at scale 0.25 cannot feed a
// matmul whose accumulator claims the input had scale 0.5 (per-op
// attributes once let this verify and lower).
func.func @mismatched_parameters(%x: tensor<1x3xf32>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5>> {
  %q = qfhe.quantize %x : tensor<1x3xf32> -> tensor<1x3x!quant.uniform<i8:f32, 0.25>>
  // expected-error @+1 {{'qfhe.matmul' op result scale of channel 0 is 0.5 but the operands give 0.25 (relative difference 1.0e+00; float32 rounding allows 2^-23)}}
  %a = qfhe.matmul %q, %w : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// -----

// A bias scale off by more than float32 rounding: the message shows the
// digits that differ.
func.func @bias_scale(%x: tensor<1x2x!quant.uniform<u8:f32, 0.003921568859368563>>, %w: tensor<2x1x!quant.uniform<i8:f32, 0.019439000636339188>>, %b: tensor<1x!quant.uniform<i32:f32, 7.623145578409299e-05>>) -> tensor<1x1x!quant.uniform<i32:f32, 7.623137935297564e-05>> {
  // expected-error @+1 {{'qfhe.matmul' op bias scale of channel 0 is 7.623145578e-05 but the operands give 7.623137935e-05 (relative difference 1.0e-06; float32 rounding allows 2^-23)}}
  %a = qfhe.matmul %x, %w, %b : tensor<1x2x!quant.uniform<u8:f32, 0.003921568859368563>>, tensor<2x1x!quant.uniform<i8:f32, 0.019439000636339188>>, tensor<1x!quant.uniform<i32:f32, 7.623145578409299e-05>> -> tensor<1x1x!quant.uniform<i32:f32, 7.623137935297564e-05>>
  return %a : tensor<1x1x!quant.uniform<i32:f32, 7.623137935297564e-05>>
}

// -----

func.func @matmul_contraction(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, %w: tensor<4x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.matmul' op contracts 3 lhs columns with 4 rhs rows}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<4x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// -----

func.func @matmul_zero_point(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5:3>> {
  // expected-error @+1 {{'qfhe.matmul' op result zero point of channel 0 is 3; an accumulator has zero point 0}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5:3>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5:3>>
}

// -----

func.func @matmul_narrowed_accumulator(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32<-1000:1000>:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.matmul' op result storage is narrowed to [-1000, 1000]; an accumulator spans its whole storage type}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32<-1000:1000>:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32<-1000:1000>:f32, 0.5>>
}

// -----

func.func @matmul_per_axis_lhs(%x: tensor<1x3x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0}>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.matmul' op lhs must be quantized per tensor, got per-axis type '!quant.uniform<u8:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00}>'}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32:1, {1.0, 1.0, 1.0}>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @matmul_rhs_axis(%x: tensor<1x3x!quant.uniform<u8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 1.0, 1.0}>>) -> tensor<1x2x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.matmul' op rhs must be quantized per tensor or per axis 1, got axis 0}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32:0, {1.0, 1.0, 1.0}>> -> tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @matmul_per_axis_result(%x: tensor<1x3x!quant.uniform<u8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) -> tensor<1x2x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.matmul' op result must be quantized per axis 1 to match the operands, got '!quant.uniform<i32:f32, 1.000000e+00>'}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @matmul_per_axis_scale(%x: tensor<1x3x!quant.uniform<u8:f32, 0.5>>, %w: tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) -> tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 2.0}>> {
  // expected-error @+1 {{'qfhe.matmul' op result scale of channel 1 is 2 but the operands give 1 (relative difference 1.0e+00; float32 rounding allows 2^-23)}}
  %a = qfhe.matmul %x, %w : tensor<1x3x!quant.uniform<u8:f32, 0.5>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 2.0}>>
  return %a : tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 2.0}>>
}

// -----

func.func @matmul_bias_shape(%x: tensor<1x3x!quant.uniform<u8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<3x!quant.uniform<i32:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.matmul' op bias of type 'tensor<3x!quant.uniform<i32:f32, 1.000000e+00>>' must hold one value per output channel (2)}}
  %a = qfhe.matmul %x, %w, %b : tensor<1x3x!quant.uniform<u8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<3x!quant.uniform<i32:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @matmul_bias_zero_point(%x: tensor<1x3x!quant.uniform<u8:f32, 1.0>>, %w: tensor<3x2x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2x!quant.uniform<i32:f32, 1.0:5>>) -> tensor<1x2x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.matmul' op bias zero point of channel 0 is 5; a bias has zero point 0}}
  %a = qfhe.matmul %x, %w, %b : tensor<1x3x!quant.uniform<u8:f32, 1.0>>, tensor<3x2x!quant.uniform<i8:f32, 1.0>>, tensor<2x!quant.uniform<i32:f32, 1.0:5>> -> tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @conv_output(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 1.0>>, %f: tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op output height is 4 but the window gives 2}}
  %c = qfhe.conv2d %x, %f {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 1.0>>, tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>> -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @conv_groups(%x: tensor<1x4x4x4x!quant.uniform<i8:f32, 1.0>>, %f: tensor<4x2x1x1x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x4x4x4x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op supports 1 group or one per input channel (depthwise), got 2}}
  %c = qfhe.conv2d %x, %f {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 2} : tensor<1x4x4x4x!quant.uniform<i8:f32, 1.0>>, tensor<4x2x1x1x!quant.uniform<i8:f32, 1.0>> -> tensor<1x4x4x4x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x4x4x4x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @conv_strides(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 1.0>>, %f: tensor<1x1x1x1x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op strides value 0 is below 1}}
  %c = qfhe.conv2d %x, %f {strides = array<i64: 0, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 1.0>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 1.0>> -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @conv_filter_axis(%x: tensor<1x2x4x4x!quant.uniform<i8:f32, 1.0>>, %f: tensor<1x2x1x1x!quant.uniform<i8:f32:1, {1.0, 2.0}>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op filter must be quantized per tensor or per axis 0, got axis 1}}
  %c = qfhe.conv2d %x, %f {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4x!quant.uniform<i8:f32, 1.0>>, tensor<1x2x1x1x!quant.uniform<i8:f32:1, {1.0, 2.0}>> -> tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x1x4x4x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @conv_scale(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %f: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {1.0, 3.0}>>) -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0}>> {
  // expected-error @+1 {{'qfhe.conv2d' op result scale of channel 1 is 1 but the operands give 1.5 (relative difference 3.3e-01; float32 rounding allows 2^-23)}}
  %c = qfhe.conv2d %x, %f {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {1.0, 3.0}>> -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0}>>
  return %c : tensor<1x2x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0}>>
}

// -----

func.func @conv_bias(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %f: tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>>, %b: tensor<2x!quant.uniform<i32:f32, 0.25>>) -> tensor<1x2x4x4x!quant.uniform<i32:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.conv2d' op bias scale of channel 0 is 0.25 but the operands give 0.5}}
  %c = qfhe.conv2d %x, %f, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>>, tensor<2x!quant.uniform<i32:f32, 0.25>> -> tensor<1x2x4x4x!quant.uniform<i32:f32, 0.5>>
  return %c : tensor<1x2x4x4x!quant.uniform<i32:f32, 0.5>>
}

// -----

func.func @sum_pool_scale(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x2x2x!quant.uniform<i12:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.sum_pool' op result scale of channel 0 is 0.5 but the operands give 0.125}}
  %s = qfhe.sum_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, divisor = 4} : tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x2x2x!quant.uniform<i12:f32, 0.5>>
  return %s : tensor<1x1x2x2x!quant.uniform<i12:f32, 0.5>>
}

// -----

func.func @sum_pool_per_axis(%x: tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x2x2x!quant.uniform<i12:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.sum_pool' op input must be quantized per tensor, got per-axis type}}
  %s = qfhe.sum_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<1x2x2x2x!quant.uniform<i12:f32, 0.5>>
  return %s : tensor<1x2x2x2x!quant.uniform<i12:f32, 0.5>>
}

// -----

func.func @max_pool_params(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.max_pool' op result element type '!quant.uniform<u8:f32, 5.000000e-01>' differs from the input's '!quant.uniform<i8:f32, 5.000000e-01>' (a maximum keeps the parameters)}}
  %m = qfhe.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5>>
  return %m : tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

func.func @reduce_dims(%x: tensor<1x2x4x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x!quant.uniform<i12:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.reduce_sum' op dimension 3 is out of range or repeated for rank 3}}
  %r = qfhe.reduce_sum %x {dimensions = array<i64: 1, 3>} : tensor<1x2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<1x!quant.uniform<i12:f32, 1.0>>
  return %r : tensor<1x!quant.uniform<i12:f32, 1.0>>
}

// -----

func.func @reduce_scale(%x: tensor<1x2x4x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x!quant.uniform<i12:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.reduce_sum' op result scale of channel 0 is 1 but the operands give 0.125}}
  %r = qfhe.reduce_sum %x {dimensions = array<i64: 1, 2>, divisor = 8} : tensor<1x2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<1x!quant.uniform<i12:f32, 1.0>>
  return %r : tensor<1x!quant.uniform<i12:f32, 1.0>>
}

// -----

func.func @binary_types(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<4xsi8>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.add' op operand #1 must be ranked tensor of !quant.uniform (per tensor or per axis) values, but got 'tensor<4xsi8>'}}
  %s = qfhe.add %a, %b : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4xsi8> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %s : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @binary_axis(%a: tensor<4x!quant.uniform<i8:f32:1, {0.5}>>, %b: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.sub' op lhs has per-axis parameters on axis 1 but type 'tensor<4x!quant.uniform<i8:f32:1, {5.000000e-01}>>' has rank 1}}
  %s = qfhe.sub %a, %b : tensor<4x!quant.uniform<i8:f32:1, {0.5}>>, tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %s : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_arguments(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply' op body has 1 arguments; expected 2 (value, channel index)}}
  %t = qfhe.apply %a {channel_axis = 0 : i64} : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32):
    qfhe.yield %v : f32
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_yield(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply' op body must end in qfhe.yield of a 'f32'}}
  %t = qfhe.apply %a : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32):
    %w = arith.extf %v : f32 to f64
    qfhe.yield %w : f64
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_axis(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply' op channel axis 1 is out of range for rank 1}}
  %t = qfhe.apply %a {channel_axis = 1 : i64} : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32, %c: index):
    qfhe.yield %v : f32
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_result_axis(%a: tensor<4x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.5}>> {
  // expected-error @+1 {{'qfhe.apply' op result has 2 per-axis scales but dimension 1 of 'tensor<4x3x!quant.uniform<i8:f32:1, {5.000000e-01,5.000000e-01}>>' has size 3}}
  %t = qfhe.apply %a : tensor<4x3x!quant.uniform<i8:f32, 0.5>> -> tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.5}>> {
  ^bb0(%v: f32):
    qfhe.yield %v : f32
  }
  return %t : tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.5}>>
}

// -----

func.func @chunks_not_power_of_two(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<4x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.matmul' op chunks = 3 must be a power of two >= 2}}
  %a = qfhe.matmul %x, %w {chunks = 3 : i64} : tensor<1x4x!quant.uniform<i8:f32, 0.5>>, tensor<4x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// -----

func.func @chunks_exceed_terms(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<4x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.matmul' op chunks = 8 exceeds the 4 terms it splits}}
  %a = qfhe.matmul %x, %w {chunks = 8 : i64} : tensor<1x4x!quant.uniform<i8:f32, 0.5>>, tensor<4x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// -----

func.func @chunks_of_depthwise(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 1.0>>, %f: tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op chunks apply to convolutions with groups = 1}}
  %c = qfhe.conv2d %x, %f {chunks = 2 : i64, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 2} : tensor<1x2x3x3x!quant.uniform<i8:f32, 1.0>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x3x3x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x2x3x3x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @chunks_exceed_channels(%x: tensor<1x2x3x3x!quant.uniform<i8:f32, 1.0>>, %f: tensor<1x2x1x1x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 1.0>> {
  // expected-error @+1 {{'qfhe.conv2d' op chunks = 4 exceeds the 2 input channels it splits}}
  %c = qfhe.conv2d %x, %f {chunks = 4 : i64, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x3x3x!quant.uniform<i8:f32, 1.0>>, tensor<1x2x1x1x!quant.uniform<i8:f32, 1.0>> -> tensor<1x1x3x3x!quant.uniform<i32:f32, 1.0>>
  return %c : tensor<1x1x3x3x!quant.uniform<i32:f32, 1.0>>
}

// -----

func.func @apply_pair_arguments(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply_pair' op body has 1 arguments; expected 2 (the lhs and rhs values)}}
  %t = qfhe.apply_pair %a, %a : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32):
    qfhe.yield %v : f32
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_pair_types(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply_pair' op body arguments have types 'f32' and 'f64'; expected one float type}}
  %t = qfhe.apply_pair %a, %a : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32, %w: f64):
    qfhe.yield %v : f32
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_pair_yield(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply_pair' op body must end in qfhe.yield of a 'f32'}}
  %t = qfhe.apply_pair %a, %a : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32, %w: f32):
    %e = arith.extf %v : f32 to f64
    qfhe.yield %e : f64
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_pair_per_axis(%a: tensor<4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>, %b: tensor<4x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x2x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply_pair' op lhs must be quantized per tensor, got per-axis type '!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>'}}
  %t = qfhe.apply_pair %a, %b : tensor<4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>, tensor<4x2x!quant.uniform<i8:f32, 0.5>> -> tensor<4x2x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32, %w: f32):
    %s = arith.addf %v, %w : f32
    qfhe.yield %s : f32
  }
  return %t : tensor<4x2x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @apply_pair_shapes(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qfhe.apply_pair' op requires the same shape for all operands and results}}
  %t = qfhe.apply_pair %a, %b : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  ^bb0(%v: f32, %w: f32):
    %s = arith.addf %v, %w : f32
    qfhe.yield %s : f32
  }
  return %t : tensor<4x!quant.uniform<i8:f32, 0.5>>
}
