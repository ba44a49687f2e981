// qfhe-equalize-channels divides each channel between two layers by its
// calibrated magnitude over the largest one (in the first layer's weights
// and bias) and multiplies the second layer's weights of that channel by
// it: the function stays, the calibrated channel ranges become equal.

// RUN: quant-opt %s --qfhe-equalize-channels --split-input-file | FileCheck %s
// The digits CNN computes the same logits after it, and both of its chains
// (conv-relu-avgpool-conv and conv-relu-maxpool-flatten-matmul) equalize.
// RUN: quant-translate --import-onnx %models/digits_cnn/model.onnx -o %t.mlir
// RUN: quant-run calibrate %t.mlir --data %models/digits_cnn/calib_x.npy -o %t.cal.mlir
// RUN: quant-opt %t.cal.mlir --qfhe-normalize -o %t.norm.mlir
// RUN: quant-run %t.norm.mlir --data %models/digits_cnn/test_x.npy -o %t.ref.npy
// RUN: quant-opt %t.norm.mlir --qfhe-equalize-channels=print -o %t.eq.mlir 2>&1 \
// RUN: | FileCheck %s --check-prefix=REMARK
// RUN: quant-run %t.eq.mlir --data %models/digits_cnn/test_x.npy --compare %t.ref.npy --atol 1e-4 --rtol 1e-4
// REMARK: remark: equalized 8 channels up to linalg.conv_2d_nchw_fchw: smallest factor
// REMARK: remark: equalized 16 channels up to linalg.matmul: smallest factor

// The same CNN from TOSA (channels last, max pooling from the lowest float
// rather than -inf, ReLU as a clamp): both pairs of layers are equalized too,
// and the function does not change.
// RUN: quant-run calibrate %S/../e2e/Inputs/frontends/digits_cnn_tosa.mlir --data %models/digits_cnn/calib_x.npy -o %t.tosa.cal.mlir
// RUN: quant-run %t.tosa.cal.mlir --data %models/digits_cnn/test_x.npy -o %t.tosa.ref.npy
// RUN: quant-opt %t.tosa.cal.mlir --qfhe-equalize-channels=print -o %t.tosa.eq.mlir 2>&1 \
// RUN: | FileCheck %s --check-prefix=REMARK
// RUN: quant-run %t.tosa.eq.mlir --data %models/digits_cnn/test_x.npy --compare %t.tosa.ref.npy --atol 1e-4 --rtol 1e-4

// digits_gated's two chains run through products: relu(W1 x) * sigmoid(W2 x)
// up to W3 (a gate), and W3 h up to W4 through z * z (a square); both
// equalize and the logits stay.
// RUN: quant-translate --import-onnx %models/digits_gated/model.onnx -o %t.gated.mlir
// RUN: quant-run calibrate %t.gated.mlir --data %models/digits_gated/calib_x.npy -o %t.gated.cal.mlir
// RUN: quant-opt %t.gated.cal.mlir --qfhe-normalize -o %t.gated.norm.mlir
// RUN: quant-run %t.gated.norm.mlir --data %models/digits_gated/test_x.npy -o %t.gated.ref.npy
// RUN: quant-opt %t.gated.norm.mlir --qfhe-equalize-channels=print -o %t.gated.eq.mlir 2>&1 \
// RUN: | FileCheck %s --check-prefix=GATED
// RUN: quant-run %t.gated.eq.mlir --data %models/digits_gated/test_x.npy --compare %t.gated.ref.npy --atol 1e-4 --rtol 1e-4
// GATED: remark: equalized 32 channels up to linalg.matmul: smallest factor
// GATED: remark: equalized 16 channels up to linalg.matmul: smallest factor

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// Matmul, bias, relu, matmul: channel 1 reaches 2 where channel 0 reaches
// 4, so it is divided by 1/2: its column of W1 and its bias double, its row
// of W2 halves, and its calibrated ranges double.
// The second moments of W2's inputs (qfhe.input_gram) follow: the entries
// of input 1 double, its mean square quadruples.
// CHECK-LABEL: func @mlp
// CHECK-NOT: dense<5.000000e-01>
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 4.000000e+00>, channel_min = array<f64: -2.000000e+00, -2.000000e+00>
// CHECK: arith.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK: arith.addf
// CHECK: qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 4.000000e+00>, channel_min = array<f64: 0.000000e+00, 0.000000e+00>
// CHECK: arith.maximumf
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK: linalg.matmul {qfhe.input_gram = {rows = 10 : i64, second_moments = dense<{{\[}}[1.000000e+00, 4.000000e+00], [4.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>}, qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 9.000000e+00>
func.func @mlp(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e0 = tensor.empty(%n) : tensor<?x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: -2.0, -1.0>, max = 4.0 : f64, min = -2.0 : f64}]}
    ins(%x, %w1 : tensor<?x2xf32>, tensor<2x2xf32>) outs(%f0 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %e1 = tensor.empty(%n) : tensor<?x2xf32>
  %b = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m, %b1 : tensor<?x2xf32>, tensor<2xf32>) outs(%e1 : tensor<?x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: -1.0, -0.5>, max = 4.0 : f64, min = -1.0 : f64}]} {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %e2 = tensor.empty(%n) : tensor<?x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%b : tensor<?x2xf32>) outs(%e2 : tensor<?x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %e3 = tensor.empty(%n) : tensor<?x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %y = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 9.0>, channel_min = array<f64: 0.0>, max = 9.0 : f64, min = 0.0 : f64}],
                      qfhe.input_gram = {rows = 10 : i64, second_moments = dense<[[1.0, 2.0], [2.0, 3.0]]> : tensor<2x2xf32>}}
    ins(%r, %w2 : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// The statistics quant-run calibrate records follow the channels too:
// channel 1 doubles, so its range and quantiles double and its mean square
// quadruples; the whole value's mean square is the channels' mean, its
// quantiles those of the two (now equal) channels together.
// CHECK-LABEL: func @statistics
// CHECK: linalg.matmul {qfhe.observed = [#qfhe.observed<min = -2.000000e+00, max = 4.000000e+00, mean_square = 4.000000e+00, quantiles = {5.000000e-01 : 1.000000e+00, 9.000000e-01 : 3.000000e+00}, axis = 1, channel_min = [-2.000000e+00, -2.000000e+00], channel_max = [4.000000e+00, 4.000000e+00], channel_mean_square = [4.000000e+00, 4.000000e+00], channel_quantiles = {{\[}}[1.000000e+00, 3.000000e+00], [1.000000e+00, 3.000000e+00]]>]}
// CHECK: qfhe.observed = [#qfhe.observed<min = 0.000000e+00, max = 4.000000e+00, axis = 1, channel_min = [0.000000e+00, 0.000000e+00], channel_max = [4.000000e+00, 4.000000e+00]>]
func.func @statistics(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %e0 = tensor.empty(%n) : tensor<?x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul {qfhe.observed = [#qfhe.observed<min = -2.0, max = 4.0, mean_square = 2.5, quantiles = {0.5 : 0.75, 0.9 : 2.5}, axis = 1, channel_min = [-2.0, -1.0], channel_max = [4.0, 2.0], channel_mean_square = [4.0, 1.0], channel_quantiles = [[1.0, 3.0], [0.5, 1.5]]>]}
    ins(%x, %w1 : tensor<?x2xf32>, tensor<2x2xf32>) outs(%f0 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %e2 = tensor.empty(%n) : tensor<?x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m : tensor<?x2xf32>) outs(%e2 : tensor<?x2xf32>)
    attrs = {qfhe.observed = [#qfhe.observed<min = 0.0, max = 4.0, axis = 1, channel_min = [0.0, 0.0], channel_max = [4.0, 2.0]>]} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %e3 = tensor.empty(%n) : tensor<?x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x1xf32>) -> tensor<?x1xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<?x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A tanh between the layers does not commute with scaling: nothing changes.
// CHECK-LABEL: func @tanh
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00]]>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [4.000000e+00]]>
// CHECK-NOT: arith.constant dense
func.func @tanh(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: -2.0, -1.0>, max = 4.0 : f64, min = -2.0 : f64}]}
    ins(%x, %w1 : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x2xf32>
  %t = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m : tensor<4x2xf32>) outs(%e1 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 0.99, 0.96>, channel_min = array<f64: -0.96, -0.76>, max = 0.99 : f64, min = -0.96 : f64}]} {
  ^bb0(%in: f32, %out: f32):
    %s = math.tanh %in : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%t, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// A value read by two ops (here the result, returned too) stays.
// CHECK-LABEL: func @branch
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00]]>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [4.000000e+00]]>
// CHECK-NOT: arith.constant dense
func.func @branch(%x: tensor<4x2xf32>) -> (tensor<4x1xf32>, tensor<4x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%m, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y, %m : tensor<4x1xf32>, tensor<4x2xf32>
}

// -----

// Without per-channel calibration the ranges could not follow: it stays.
// CHECK-LABEL: func @uncalibrated
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00], [2.000000e+00, 2.000000e+00]]>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [4.000000e+00]]>
// CHECK-NOT: arith.constant dense
func.func @uncalibrated(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%m, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// A nearly silent channel grows at most 256 times.
// CHECK-LABEL: func @silent
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 2.560000e+02]]> : tensor<1x2xf32>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [1.562500e-02]]> : tensor<2x1xf32>
func.func @silent(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 1.0e-30>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<4x1xf32>, tensor<1x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%m, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// A depthwise convolution computes each channel from itself: it passes the
// scale on (its filter stays) between two convolutions.
// CHECK-LABEL: func @depthwise
// CHECK: arith.constant dense<{{\[}}{{\[}}[1.000000e+00]], {{\[}}[5.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK: arith.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00]]], {{\[}}{{\[}}[2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: linalg.conv_2d_nchw_fchw {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 8.000000e+00>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 4.000000e+00>
// CHECK: arith.constant dense<{{\[}}{{\[}}{{\[}}[3.000000e+00]], {{\[}}[2.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: linalg.conv_2d_nchw_fchw ins
func.func @depthwise(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %dw = arith.constant dense<[[[1.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %w2 = arith.constant dense<[[[[3.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %e0 = tensor.empty() : tensor<1x2x2x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c1 = linalg.conv_2d_nchw_fchw {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 4.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) outs(%f0 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %e1 = tensor.empty() : tensor<1x2x2x2xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %d = linalg.depthwise_conv_2d_nchw_chw {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%c1, %dw : tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) outs(%f1 : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %e2 = tensor.empty() : tensor<1x1x2x2xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %y = linalg.conv_2d_nchw_fchw ins(%d, %w2 : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%f2 : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// A square is homogeneous of degree 2: channel c of the first layer is
// divided by r_c and the second layer reads it at r_c^2. Channel 1 of the
// square reaches 1 where channel 0 reaches 16, so r_1 = sqrt(1/16) = 1/4:
// its column of W1 and its bias grow 4 times, its row of W2 shrinks 16
// times, its matmul range grows 4 times and its square's 16 times.
// CHECK-LABEL: func @square
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK: linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 4.000000e+00>, channel_min = array<f64: -4.000000e+00, -4.000000e+00>
// CHECK: arith.constant dense<[0.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: arith.addf
// CHECK: qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 1.600000e+01, 1.600000e+01>
// CHECK: arith.mulf %[[IN:.*]], %[[IN]]
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [2.500000e-01]]> : tensor<2x1xf32>
func.func @square(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %b1 = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 1.0>, channel_min = array<f64: -4.0, -1.0>, max = 4.0 : f64, min = -4.0 : f64}]}
    ins(%x, %w1 : tensor<4x1xf32>, tensor<1x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x2xf32>
  %b = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m, %b1 : tensor<4x2xf32>, tensor<2xf32>) outs(%e1 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 1.0>, channel_min = array<f64: -4.0, -1.0>, max = 4.0 : f64, min = -4.0 : f64}]} {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %sq = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%b : tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 16.0, 1.0>, channel_min = array<f64: 0.0, 0.0>, max = 16.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%in: f32, %out: f32):
    %p = arith.mulf %in, %in : f32
    linalg.yield %p : f32
  } -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%sq, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A gate: the product of relu(W1 x) by a tensor that does not depend on
// the first layer (here an argument; in a model, sigmoid(W2 x)) scales with
// its first factor. The product's channel 1 reaches 0.5 where channel 0
// reaches 2: channel 1 of W1 grows 4 times, its row of W3 shrinks 4 times,
// and the gate keeps reading %g as it is.
// CHECK-LABEL: func @gate
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00]]> : tensor<1x2xf32>
// CHECK: qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.000000e+00, 8.000000e+00>
// CHECK: arith.maximumf
// CHECK: ins(%{{.*}}, %arg1 : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 2.000000e+00, 2.000000e+00>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [1.000000e+00]]> : tensor<2x1xf32>
func.func @gate(%x: tensor<4x1xf32>, %g: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %w3 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: -4.0, -2.0>, max = 4.0 : f64, min = -4.0 : f64}]}
    ins(%x, %w1 : tensor<4x1xf32>, tensor<1x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m : tensor<4x2xf32>) outs(%e1 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 2.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%in: f32, %out: f32):
    %c0f = arith.constant 0.0 : f32
    %v = arith.maximumf %in, %c0f : f32
    linalg.yield %v : f32
  } -> tensor<4x2xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %h = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%r, %g : tensor<4x2xf32>, tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 2.0, 0.5>, channel_min = array<f64: 0.0, 0.0>, max = 2.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%h, %w3 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A tensor that does not scale may multiply the data, never add to it; nor
// may values of different degrees be added (x * x + x): both chains stay.
// CHECK-LABEL: func @not_homogeneous
// CHECK: arith.constant dense<1.000000e+00> : tensor<1x2xf32>
// CHECK: arith.constant dense<{{\[}}[3.000000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK-NOT: arith.constant dense
func.func @not_homogeneous(%x: tensor<4x1xf32>, %g: tensor<4x2xf32>) -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %w2 = arith.constant dense<[[3.0], [4.0]]> : tensor<2x1xf32>
  %e0 = tensor.empty() : tensor<4x2xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 1.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<4x1xf32>, tensor<1x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %n = linalg.matmul {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 4.0, 1.0>, channel_min = array<f64: 0.0, 0.0>, max = 4.0 : f64, min = 0.0 : f64}]}
    ins(%x, %w1 : tensor<4x1xf32>, tensor<1x2xf32>) outs(%f0 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e1 = tensor.empty() : tensor<4x2xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%m, %g : tensor<4x2xf32>, tensor<4x2xf32>) outs(%e1 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 8.0, 1.0>, channel_min = array<f64: 0.0, 0.0>, max = 8.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %p = arith.addf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<4x2xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %t = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
    ins(%n : tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>)
    attrs = {qfhe.observed = [{axis = 1 : i64, channel_max = array<f64: 20.0, 2.0>, channel_min = array<f64: 0.0, 0.0>, max = 20.0 : f64, min = 0.0 : f64}]} {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %p = arith.addf %sq, %in : f32
    linalg.yield %p : f32
  } -> tensor<4x2xf32>
  %e3 = tensor.empty() : tensor<4x1xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = linalg.matmul ins(%s, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %z = linalg.matmul ins(%t, %w2 : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f3 : tensor<4x1xf32>) -> tensor<4x1xf32>
  return %y, %z : tensor<4x1xf32>, tensor<4x1xf32>
}
