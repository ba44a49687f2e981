// RUN: quant-opt %s --split-input-file --verify-diagnostics

func.func @matmul_contraction(%x: tensor<1x3xui8>, %w: tensor<4x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op contracts 3 lhs columns with 4 rhs rows}}
  %a = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, scale = 0.5, zero_point = 1>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 0>} : tensor<1x3xui8>, tensor<4x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @matmul_scale(%x: tensor<1x3xui8>, %w: tensor<3x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op result scale of channel 0 is 1.000000e+00 but the operands give 5.000000e-01}}
  %a = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, scale = 0.5, zero_point = 1>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>} : tensor<1x3xui8>, tensor<3x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @matmul_zero_point(%x: tensor<1x3xui8>, %w: tensor<3x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op result zero point of channel 0 is 3; an accumulator has zero point 0}}
  %a = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, scale = 0.5, zero_point = 1>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 3>} : tensor<1x3xui8>, tensor<3x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @matmul_per_axis_lhs(%x: tensor<1x3xui8>, %w: tensor<3x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op lhs parameters must be per tensor}}
  %a = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, axis = 1, scales = [1.0, 1.0, 1.0], zero_points = [0, 0, 0]>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>} : tensor<1x3xui8>, tensor<3x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @matmul_per_axis_result(%x: tensor<1x3xui8>, %w: tensor<3x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op result parameters must be per axis 1 to match the operands}}
  %a = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, scale = 1.0, zero_point = 0>, rhs_params = #qfhe.quant<si8, axis = 1, scales = [1.0, 2.0], zero_points = [0, 0]>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>} : tensor<1x3xui8>, tensor<3x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @matmul_bias(%x: tensor<1x3xui8>, %w: tensor<3x2xsi8>, %b: tensor<3xsi32>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op bias of type 'tensor<3xsi32>' must hold one value per rhs column}}
  %a = qfhe.matmul %x, %w, %b {lhs_params = #qfhe.quant<ui8, scale = 1.0, zero_point = 0>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>} : tensor<1x3xui8>, tensor<3x2xsi8>, tensor<3xsi32> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @conv_output(%x: tensor<1x1x4x4xsi8>, %f: tensor<1x1x3x3xsi8>) -> tensor<1x1x4x4xsi32> {
  // expected-error @+1 {{'qfhe.conv2d' op output height is 4 but the window gives 2}}
  %c = qfhe.conv2d %x, %f {input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xsi8>, tensor<1x1x3x3xsi8> -> tensor<1x1x4x4xsi32>
  return %c : tensor<1x1x4x4xsi32>
}

// -----

func.func @conv_groups(%x: tensor<1x4x4x4xsi8>, %f: tensor<4x2x1x1xsi8>) -> tensor<1x4x4x4xsi32> {
  // expected-error @+1 {{'qfhe.conv2d' op supports 1 group or one per input channel (depthwise), got 2}}
  %c = qfhe.conv2d %x, %f {input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 2} : tensor<1x4x4x4xsi8>, tensor<4x2x1x1xsi8> -> tensor<1x4x4x4xsi32>
  return %c : tensor<1x4x4x4xsi32>
}

// -----

func.func @conv_strides(%x: tensor<1x1x4x4xsi8>, %f: tensor<1x1x1x1xsi8>) -> tensor<1x1x4x4xsi32> {
  // expected-error @+1 {{'qfhe.conv2d' op strides value 0 is below 1}}
  %c = qfhe.conv2d %x, %f {input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>, strides = array<i64: 0, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xsi8>, tensor<1x1x1x1xsi8> -> tensor<1x1x4x4xsi32>
  return %c : tensor<1x1x4x4xsi32>
}

// -----

func.func @sum_pool_scale(%x: tensor<1x1x4x4xsi8>) -> tensor<1x1x2x2xsi12> {
  // expected-error @+1 {{'qfhe.sum_pool' op result scale of channel 0 is 5.000000e-01 but the operands give 1.250000e-01}}
  %s = qfhe.sum_pool %x {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si12, scale = 0.5, zero_point = 0>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, divisor = 4} : tensor<1x1x4x4xsi8> -> tensor<1x1x2x2xsi12>
  return %s : tensor<1x1x2x2xsi12>
}

// -----

func.func @max_pool_params(%x: tensor<1x1x4x4xsi8>) -> tensor<1x1x2x2xui8> {
  // expected-error @+1 {{'qfhe.max_pool' op result element type 'ui8' contradicts the quantization parameters, whose storage is 'si8'}}
  %m = qfhe.max_pool %x {params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xsi8> -> tensor<1x1x2x2xui8>
  return %m : tensor<1x1x2x2xui8>
}

// -----

func.func @reduce_dims(%x: tensor<1x2x4xsi8>) -> tensor<1xsi12> {
  // expected-error @+1 {{'qfhe.reduce_sum' op dimension 3 is out of range or repeated for rank 3}}
  %r = qfhe.reduce_sum %x {input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si12, scale = 1.0, zero_point = 0>, dimensions = array<i64: 1, 3>} : tensor<1x2x4xsi8> -> tensor<1xsi12>
  return %r : tensor<1xsi12>
}

// -----

func.func @binary_params(%a: tensor<4xsi8>, %b: tensor<4xsi8>) -> tensor<4xsi8> {
  // expected-error @+1 {{'qfhe.add' op rhs element type 'si8' contradicts the quantization parameters, whose storage is 'ui8'}}
  %s = qfhe.add %a, %b {lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<ui8, scale = 0.25, zero_point = 128>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8>, tensor<4xsi8> -> tensor<4xsi8>
  return %s : tensor<4xsi8>
}

// -----

func.func @apply_arguments(%a: tensor<4xsi8>) -> tensor<4xsi8> {
  // expected-error @+1 {{'qfhe.apply' op body has 1 arguments; expected 2 (value, channel index)}}
  %t = qfhe.apply %a {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, channel_axis = 0 : i64} : tensor<4xsi8> -> tensor<4xsi8> {
  ^bb0(%v: f32):
    qfhe.yield %v : f32
  }
  return %t : tensor<4xsi8>
}

// -----

func.func @apply_yield(%a: tensor<4xsi8>) -> tensor<4xsi8> {
  // expected-error @+1 {{'qfhe.apply' op body must end in qfhe.yield of a 'f32'}}
  %t = qfhe.apply %a {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8> -> tensor<4xsi8> {
  ^bb0(%v: f32):
    %w = arith.extf %v : f32 to f64
    qfhe.yield %w : f64
  }
  return %t : tensor<4xsi8>
}

// -----

func.func @apply_axis(%a: tensor<4xsi8>) -> tensor<4xsi8> {
  // expected-error @+1 {{'qfhe.apply' op channel axis 1 is out of range for rank 1}}
  %t = qfhe.apply %a {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, channel_axis = 1 : i64} : tensor<4xsi8> -> tensor<4xsi8> {
  ^bb0(%v: f32, %c: index):
    qfhe.yield %v : f32
  }
  return %t : tensor<4xsi8>
}

// -----

func.func @chunks_not_power_of_two(%x: tensor<1x4xsi8>, %w: tensor<4x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op chunks = 3 must be a power of two >= 2}}
  %a = qfhe.matmul %x, %w {chunks = 3 : i64, lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 0>} : tensor<1x4xsi8>, tensor<4x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @chunks_exceed_terms(%x: tensor<1x4xsi8>, %w: tensor<4x2xsi8>) -> tensor<1x2xsi32> {
  // expected-error @+1 {{'qfhe.matmul' op chunks = 8 exceeds the 4 terms it splits}}
  %a = qfhe.matmul %x, %w {chunks = 8 : i64, lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 0>} : tensor<1x4xsi8>, tensor<4x2xsi8> -> tensor<1x2xsi32>
  return %a : tensor<1x2xsi32>
}

// -----

func.func @chunks_of_depthwise(%x: tensor<1x2x3x3xsi8>, %f: tensor<2x1x1x1xsi8>) -> tensor<1x2x3x3xsi32> {
  // expected-error @+1 {{'qfhe.conv2d' op chunks apply to convolutions with groups = 1}}
  %c = qfhe.conv2d %x, %f {chunks = 2 : i64, input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 2} : tensor<1x2x3x3xsi8>, tensor<2x1x1x1xsi8> -> tensor<1x2x3x3xsi32>
  return %c : tensor<1x2x3x3xsi32>
}

// -----

func.func @chunks_exceed_channels(%x: tensor<1x2x3x3xsi8>, %f: tensor<1x2x1x1xsi8>) -> tensor<1x1x3x3xsi32> {
  // expected-error @+1 {{'qfhe.conv2d' op chunks = 4 exceeds the 2 input channels it splits}}
  %c = qfhe.conv2d %x, %f {chunks = 4 : i64, input_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 1.0, zero_point = 0>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x2x3x3xsi8>, tensor<1x2x1x1xsi8> -> tensor<1x1x3x3xsi32>
  return %c : tensor<1x1x3x3xsi32>
}
