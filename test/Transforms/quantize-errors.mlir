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

func.func @divide(%x: tensor<4xf32> {qfhe.range = array<f64: 1.0, 2.0>}, %y: tensor<4xf32> {qfhe.range = array<f64: 1.0, 2.0>}) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-error @below {{cannot quantize 'linalg.generic': no quantized form for this op (use float-fallback to keep it in float)}}
  %d = linalg.div ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
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
