// RUN: quant-opt %s --split-input-file --qfhe-allocate-bits --verify-diagnostics

// Weights that are not finite have no quantization: the error names the
// constant (its location, the element and its value) before any estimate
// (which would compute with NaN).

func.func @inf(%x: tensor<4x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<4x1xf32> {
  // expected-error @below {{weights are not finite: element [1, 0] of this 'tensor<2x1xf32>' constant is inf (the weights of 'linalg.matmul')}}
  %w = arith.constant dense<[[1.0], [0x7F800000]]> : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  // expected-note @below {{read by this op}}
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %m : tensor<4x1xf32>
}

// -----

func.func @minus_inf(%x: tensor<4x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<4x1xf32> {
  // expected-error @below {{element [0, 0] of this 'tensor<2x1xf32>' constant is -inf}}
  %w = arith.constant dense<[[0xFF800000], [1.0]]> : tensor<2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  // expected-note @below {{read by this op}}
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %m : tensor<4x1xf32>
}

// -----

func.func @nan_splat(%x: tensor<1x1x4x4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x3x3xf32> {
  // expected-error @below {{weights are not finite: element [0, 0, 0, 0] of this 'tensor<2x1x2x2xf32>' constant is nan (the weights of 'linalg.conv_2d_nchw_fchw')}}
  %w = arith.constant dense<0x7FC00000> : tensor<2x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  // expected-note @below {{read by this op}}
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %c : tensor<1x2x3x3xf32>
}
