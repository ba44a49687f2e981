// RUN: quant-opt %s --split-input-file --qfhe-quantize="input-bits=2" | FileCheck %s
// RUN: quant-opt %s --split-input-file --qfhe-quantize="input-bits=2 bias-correction=false" | FileCheck %s --check-prefix=PLAIN
// RUN: quant-opt %s --split-input-file --qfhe-quantize="input-bits=2 per-channel-weights=false" | FileCheck %s --check-prefix=TENSOR
// RUN: not quant-opt %s --qfhe-quantize="bias-correction=maybe" 2>&1 | FileCheck %s --check-prefix=BADVALUE
// RUN: not quant-opt %s --qfhe-pipeline="bias-correction=maybe" 2>&1 | FileCheck %s --check-prefix=BADVALUE
// BADVALUE: for the --bias-correction option: 'maybe' is invalid value for boolean argument

// The input's calibrated distribution: half the mass at 0, a quarter
// uniform on [0, 0.4], a quarter uniform on [0.4, 3]: mean 0.475. On 2 bits
// (scale 1, zero point -2) [0, 0.5) reads 0, so its quantized mean is
// 0.25 * (1 + 2 + 0.5 * 3) / 2.6 = 0.432692. The weights [1, 0.5] get
// scale 1/127 and integers [127, 64] (0.503937). The bias 0.25 gains
// (1 + 0.5) * 0.475 - (1 + 0.503937) * 0.432692 = 0.061758, and at the
// accumulator's scale 1/127 it folds in as round(0.311758 * 127) = 40
// instead of round(0.25 * 127) = 32.
// CHECK-LABEL: func @skewed_input
// CHECK: arith.constant dense<40> : tensor<1xi32>
// PLAIN-LABEL: func @skewed_input
// PLAIN: arith.constant dense<32> : tensor<1xi32>
func.func @skewed_input(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.0, 3.0>, qfhe.observed = #qfhe.observed<min = 0.0, max = 3.0, quantiles = {0.5 : 0.0, 0.75 : 0.4}>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[1.0], [0.5]]> : tensor<2x1xf32>
  %b = arith.constant dense<[0.25]> : tensor<1xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e = tensor.empty(%n) : tensor<?x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f : tensor<?x1xf32>) -> tensor<?x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x1xf32>, tensor<1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.maximumf %in, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x1xf32>
  %w2 = arith.constant dense<[[1.0]]> : tensor<1x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m2 = linalg.matmul ins(%r, %w2 : tensor<?x1xf32>, tensor<1x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %m2 : tensor<?x1xf32>
}

// -----

// Per-channel statistics: channel 0 never varies from 2 (quantized exactly
// at scale 1), channel 1 is the skewed distribution above. Only channel
// 1's weight is rounded (0.5 -> 64/127) and only its input is biased by
// rounding: the bias gains 0.5 * 0.475 - 0.503937 * 0.432692 = 0.019447,
// round((0.25 + 0.019447) * 127) = 34.
// CHECK-LABEL: func @per_channel
// CHECK: arith.constant dense<34> : tensor<1xi32>
// PLAIN-LABEL: func @per_channel
// PLAIN: arith.constant dense<32> : tensor<1xi32>
func.func @per_channel(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.0, 3.0>, qfhe.observed = #qfhe.observed<min = 0.0, max = 3.0, quantiles = {0.5 : 0.0, 0.75 : 0.4}, axis = 1, channel_min = [2.0, 0.0], channel_max = [2.0, 3.0], channel_quantiles = [[2.0, 2.0], [0.0, 0.4]]>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[1.0], [0.5]]> : tensor<2x1xf32>
  %b = arith.constant dense<[0.25]> : tensor<1xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e = tensor.empty(%n) : tensor<?x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f : tensor<?x1xf32>) -> tensor<?x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x1xf32>, tensor<1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.maximumf %in, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x1xf32>
  %w2 = arith.constant dense<[[1.0]]> : tensor<1x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m2 = linalg.matmul ins(%r, %w2 : tensor<?x1xf32>, tensor<1x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %m2 : tensor<?x1xf32>
}

// -----

// Without calibration statistics there is nothing to correct with.
// CHECK-LABEL: func @declared_range
// CHECK: arith.constant dense<32> : tensor<1xi32>
func.func @declared_range(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.0, 3.0>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[1.0], [0.5]]> : tensor<2x1xf32>
  %b = arith.constant dense<[0.25]> : tensor<1xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e = tensor.empty(%n) : tensor<?x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f : tensor<?x1xf32>) -> tensor<?x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x1xf32>, tensor<1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x1xf32>) outs(%e : tensor<?x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.maximumf %in, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x1xf32>
  %w2 = arith.constant dense<[[1.0]]> : tensor<1x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m2 = linalg.matmul ins(%r, %w2 : tensor<?x1xf32>, tensor<1x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %m2 : tensor<?x1xf32>
}

// -----

// Weights quantized per tensor still have one mean error per output
// channel. Both columns hold the weights 1 and 0.5 (one scale, 1/127: 0.5
// reads 64/127), so each output channel gains 0.061758 as in @skewed_input:
// 40 for both, not 32.
// TENSOR-LABEL: func @per_tensor_weights
// TENSOR: arith.constant dense<40> : tensor<2xi32>
// PLAIN-LABEL: func @per_tensor_weights
// PLAIN: arith.constant dense<32> : tensor<2xi32>
func.func @per_tensor_weights(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.0, 3.0>, qfhe.observed = #qfhe.observed<min = 0.0, max = 3.0, quantiles = {0.5 : 0.0, 0.75 : 0.4}>}) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [0.5, 1.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[0.25, 0.25]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x2xf32>, tensor<2x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.maximumf %in, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x2xf32>
  %w2 = arith.constant dense<[[1.0], [1.0]]> : tensor<2x1xf32>
  %e2 = tensor.empty(%n) : tensor<?x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %m2 = linalg.matmul ins(%r, %w2 : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f2 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %m2 : tensor<?x1xf32>
}

// -----

// A convolution's weights run over its input channels, each channel's
// window (here 1x2) together. Input channel 0 is always 2 (exact on 2
// bits) with weights [1, 1]; channel 1 is the skewed distribution with
// weights [0.5, 0.5] (64/127 each): the bias gains
// 2 * (0.5 * 0.475 - 0.503937 * 0.432692) = 0.038894 and folds in as
// round(0.288894 * 127) = 37. (Reading the inputs one per weight instead
// would give 42.)
// CHECK-LABEL: func @convolution_window
// CHECK: arith.constant dense<37> : tensor<1xi32>
// PLAIN-LABEL: func @convolution_window
// PLAIN: arith.constant dense<32> : tensor<1xi32>
func.func @convolution_window(%x: tensor<1x2x1x2xf32> {qfhe.range = array<f64: 0.0, 3.0>, qfhe.observed = #qfhe.observed<min = 0.0, max = 3.0, quantiles = {0.5 : 0.0, 0.75 : 0.4}, axis = 1, channel_min = [2.0, 0.0], channel_max = [2.0, 3.0], channel_quantiles = [[2.0, 2.0], [0.0, 0.4]]>}) -> tensor<1x1x1x1xf32> {
  %w = arith.constant dense<[[[[1.0, 1.0]], [[0.5, 0.5]]]]> : tensor<1x2x1x2xf32>
  %b = arith.constant dense<[0.25]> : tensor<1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x1x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>) outs(%f : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x1x1x1xf32>, tensor<1xf32>) outs(%e : tensor<1x1x1x1xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<1x1x1x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x1x1x1xf32>) outs(%e : tensor<1x1x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.maximumf %in, %zero : f32
    linalg.yield %t : f32
  } -> tensor<1x1x1x1xf32>
  %w2 = arith.constant dense<[[[[1.0]]]]> : tensor<1x1x1x1xf32>
  %e2 = tensor.empty() : tensor<1x1x1x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%r, %w2 : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%f2 : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}
