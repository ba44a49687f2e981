// RUN: quant-opt %s --qfhe-infer-ranges --split-input-file | FileCheck %s

// Constant weights are used exactly, per output column:
//   column 0: w = [1, 0.5, -2, 0], x in [0, 1]^4 -> [-2, 1.5]
//   column 1: w = [-1, 0.5, 0, 3]               -> [-1, 3.5]
// then the bias per column and tanh, monotone. Bounds are widened by the
// float32 rounding of the sums (digits after the fifth).
// CHECK-LABEL: func @mlp
// CHECK-SAME: qfhe.inferred = {max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}
// CHECK: linalg.fill {qfhe.inferred = [{max = 0.000000e+00 : f64, min = 0.000000e+00 : f64}]}
// CHECK: linalg.matmul {qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 1.50000{{[0-9]*}}, 3.50000{{[0-9]*}}>, channel_min = array<f64: -2.00000{{[0-9]*}}, -1.00000{{[0-9]*}}>, max = 3.50000{{[0-9]*}} : f64, min = -2.00000{{[0-9]*}} : f64}]}
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 2.00000{{[0-9]*}}, 2.50000{{[0-9]*}}>, channel_min = array<f64: -1.50000{{[0-9]*}}, -2.00000{{[0-9]*}}>
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 0.96402{{[0-9]*}}, 0.98661{{[0-9]*}}>, channel_min = array<f64: -0.90514{{[0-9]*}}, -0.96402{{[0-9]*}}>
func.func @mlp(%x: tensor<?x4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [0.5, 0.5], [-2.0, 0.0], [0.0, 3.0]]> : tensor<4x2xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  } -> tensor<?x2xf32>
  return %r : tensor<?x2xf32>
}

// -----

// relu written as torch-mlir does (cmpf + select) is max(x, 0), not the join
// of x and 0.
// CHECK-LABEL: func @relu_select
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{max = 2.000000e+00 : f64, min = 0.000000e+00 : f64}]
func.func @relu_select(%x: tensor<8xf32> {qfhe.range = array<f64: -1.0, 2.0>}) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %c = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// gelu(x) = x * 0.5 * (1 + erf(x / sqrt(2))) is not monotone: its minimum is
// about -0.17 at x = -0.75. Evaluating the decomposition on intervals would
// give [-3, 3]; the subdivided evaluation stays close to the true range.
// CHECK-LABEL: func @gelu
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{max = 2.9959{{[0-9]*}} : f64, min = -0.19{{[0-9]*}} : f64}]
func.func @gelu(%x: tensor<8xf32> {qfhe.range = array<f64: -3.0, 3.0>}) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %rsqrt2 = arith.constant 0.70710678 : f32
    %s = arith.mulf %in, %rsqrt2 : f32
    %erf = math.erf %s : f32
    %p = arith.addf %erf, %one : f32
    %h = arith.mulf %in, %half : f32
    %g = arith.mulf %h, %p : f32
    linalg.yield %g : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// x * x is a square (never negative), and x / y with y containing 0 is
// unbounded, saying why.
// CHECK-LABEL: func @square_and_division
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{max = 4.00000{{[0-9]*}} : f64, min = 0.000000e+00 : f64}]
// CHECK: linalg.div {{.*}}qfhe.inferred = [{max = 0x7FF0000000000000 : f64, min = 0xFFF0000000000000 : f64, reason = "division by a range containing 0"}]
func.func @square_and_division(%x: tensor<8xf32> {qfhe.range = array<f64: -2.0, 1.0>}) -> (tensor<8xf32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %sq = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  %q = linalg.div ins(%sq, %x : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  return %sq, %q : tensor<8xf32>, tensor<8xf32>
}

// -----

// Reductions: a sum of 4 values in [0, 1] is in [0, 4]; a max stays in the
// input range joined with the initial value.
// CHECK-LABEL: func @reductions
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{max = 4.00000{{[0-9]*}} : f64, min = 0.000000e+00 : f64}]
// CHECK: linalg.generic {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]
// CHECK: linalg.softmax {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]
func.func @reductions(%x: tensor<?x4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x4xf32>) outs(%f : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x4xf32>) outs(%f : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %e2 = tensor.empty(%n) : tensor<?x4xf32>
  %soft = linalg.softmax dimension(1) ins(%x : tensor<?x4xf32>) outs(%e2 : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %sum, %max, %soft : tensor<?xf32>, tensor<?xf32>, tensor<?x4xf32>
}

// -----

// A convolution with constant weights is exact per output channel; the zero
// padding puts 0 into the input range first. Then sum pooling (4 values)
// and max pooling.
//   channel 0: weights all 1 over 1 input channel, 2x2 window, x in [0, 2]
//              (padded: [0, 2]) -> [0, 8]
//   channel 1: weights [1, -1, 1, -1]                     -> [-4, 4]
// CHECK-LABEL: func @conv
// CHECK: tensor.pad
// CHECK: } {qfhe.inferred = [{max = 2.000000e+00 : f64, min = 0.000000e+00 : f64}]}
// CHECK: linalg.conv_2d_nchw_fchw {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 8.00000{{[0-9]*}}, 4.00000{{[0-9]*}}>, channel_min = array<f64: 0.000000e+00, -4.00000{{[0-9]*}}>
// CHECK: linalg.pooling_nchw_sum {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 32.0000{{[0-9]*}}, 16.0000{{[0-9]*}}>, channel_min = array<f64: 0.000000e+00, -16.0000{{[0-9]*}}>
// CHECK: linalg.pooling_nchw_max {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 8.00000{{[0-9]*}}, 4.00000{{[0-9]*}}>, channel_min = array<f64: 0.000000e+00, -4.00000{{[0-9]*}}>
func.func @conv(%x: tensor<1x1x4x4xf32> {qfhe.range = array<f64: 1.0, 2.0>}) -> (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, -1.0], [1.0, -1.0]]]]> : tensor<2x1x2x2xf32>
  %p = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x5x5xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x1x5x5xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %e2 = tensor.empty() : tensor<1x2x2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%c, %k : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%f2 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %f3 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %mx = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%c, %k : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%f3 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %c, %mx : tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>
}

// -----

// A depthwise convolution: output channel c only sees input channel c.
//   channel 0: x in [0, 1], weights [2, 2]   -> [0, 4]
//   channel 1: x in [0, 1], weights [-1, 3]  -> [-1, 3]
// CHECK-LABEL: func @depthwise
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 4.00000{{[0-9]*}}, 3.00000{{[0-9]*}}>, channel_min = array<f64: 0.000000e+00, -1.00000{{[0-9]*}}>
func.func @depthwise(%x: tensor<1x2x3x3xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[2.0, 2.0]], [[-1.0, 3.0]]]> : tensor<2x1x2xf32>
  %e = tensor.empty() : tensor<1x2x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x1x2xf32>) outs(%f : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  return %c : tensor<1x2x3x2xf32>
}

// -----

// Named elementwise ops, broadcast and transpose keep per-channel ranges
// where they can.
// CHECK-LABEL: func @named_elementwise
// CHECK: linalg.broadcast {{.*}}qfhe.inferred = [{max = 3.000000e+00 : f64, min = -1.000000e+00 : f64}]
// CHECK: linalg.add {{.*}}qfhe.inferred = [{max = 5.00000{{[0-9]*}} : f64, min = -1.00000{{[0-9]*}} : f64}]
// CHECK: linalg.exp {{.*}}qfhe.inferred = [{max = 148.41{{[0-9]*}} : f64, min = 0.367879{{[0-9]*}} : f64}]
// CHECK: linalg.transpose {{.*}}qfhe.inferred = [{max = 5.00000{{[0-9]*}} : f64, min = -1.00000{{[0-9]*}} : f64}]
func.func @named_elementwise(%x: tensor<2x3xf32> {qfhe.range = array<f64: 0.0, 2.0>}, %v: tensor<3xf32> {qfhe.range = array<f64: -1.0, 3.0>}) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %b = linalg.broadcast ins(%v : tensor<3xf32>) outs(%e : tensor<2x3xf32>) dimensions = [0]
  %a = linalg.add ins(%x, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %ex = linalg.exp ins(%a : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %et = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%et : tensor<3x2xf32>) permutation = [1, 0]
  return %ex, %t : tensor<2x3xf32>, tensor<3x2xf32>
}
