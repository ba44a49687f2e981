// RUN: quant-opt %s --split-input-file --qfhe-normalize --qfhe-quantize --verify-diagnostics

// What the quantizer refuses, and why.

func.func @product(%x: tensor<4x4xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  // expected-error @below {{cannot quantize: the second operand of 'linalg.matmul' is not constant (products of two encrypted tensors are not supported)}}
  %m = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}

// -----

// A function of two tensors that is not a sum, a difference, a product, or
// a min, max or division (which qfhe-normalize rewrites into those).
func.func @power(%x: tensor<4xf32> {qfhe.range = array<f64: 1.0, 2.0>}, %y: tensor<4xf32> {qfhe.range = array<f64: 1.0, 2.0>}) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @below {{cannot quantize 'linalg.generic': no quantized form for this op (use float-fallback to keep it in float)}}
  %d = linalg.powf ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// expected-note @below {{value defined here}}
func.func @no_range(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0], [0.25, -0.25]]> : tensor<3x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  // expected-error @below {{has no finite range (function argument #0 has no declared range (qfhe.range) or calibration)}}
  %m = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}

// -----

func.func @weights_not_finite(%x: tensor<4x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<4x1xf32> {
  %w = arith.constant dense<[[1.0], [0x7F800000]]> : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  // expected-error @below {{cannot quantize weights: element 1 is INF}}
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %m : tensor<4x1xf32>
}

// -----

// A channels-last convolution whose filter is not a constant stays as it
// is (qfhe-normalize transposes constant filters only) and has no
// quantized form.
func.func @nhwc_filter_not_constant(%x: tensor<1x4x4x1xf32> {qfhe.range = array<f64: 0.0, 1.0>}, %w: tensor<2x2x1x1xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<1x3x3x1xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  // expected-error @below {{cannot quantize 'linalg.conv_2d_nhwc_hwcf': no quantized form for this op (use float-fallback to keep it in float)}}
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x4x4x1xf32>, tensor<2x2x1x1xf32>) outs(%f : tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  return %c : tensor<1x3x3x1xf32>
}

// -----

// linalg does not check that a convolution's static output size matches its
// window when a size is dynamic (here 5 inputs, a 2-tap kernel dilated by
// 2: 3 outputs, not 4); the quantized op does, and the error is at the
// convolution (found by fuzzing: the pass used to succeed with IR that did
// not verify).
func.func @conv_output_too_large(%x: tensor<?x1x5x5xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x1x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1x5x5xf32>
  %e = tensor.empty(%n) : tensor<?x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32>
  // expected-error @below {{cannot quantize: output height is 4 but the window gives 3}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x1x5x5xf32>, tensor<1x1x2x2xf32>) outs(%f : tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32>
  return %c : tensor<?x1x4x4xf32>
}

// -----

func.func @pool_output_too_large(%x: tensor<?x1x4x4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<?x1x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1x4x4xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty(%n) : tensor<?x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32>
  // expected-error @below {{cannot quantize: output height is 4 but the window gives 3}}
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %window : tensor<?x1x4x4xf32>, tensor<2x2xf32>) outs(%f : tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32>
  return %s : tensor<?x1x4x4xf32>
}
