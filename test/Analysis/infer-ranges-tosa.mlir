// RUN: quant-opt %s --qfhe-infer-ranges --split-input-file | FileCheck %s

// tosa.matmul with constant weights is exact per output column (axis 2):
//   column 0: w = [1, -2], x in [0, 1] -> [-2, 1]
//   column 1: w = [3, 1]               -> [0, 4]
// then a broadcast add, clamp and sigmoid.
// CHECK-LABEL: func @mlp
// CHECK: tosa.matmul {{.*}}qfhe.inferred = [{axis = 2 : i64, channel_max = array<f64: 1.00000{{[0-9]*}}, 4.00000{{[0-9]*}}>, channel_min = array<f64: -2.00000{{[0-9]*}}, 0.000000e+00>
// CHECK: tosa.add {{.*}}qfhe.inferred = [{max = 3.00000{{[0-9]*}} : f64, min = -3.00000{{[0-9]*}} : f64}]
// CHECK: tosa.clamp {{.*}}qfhe.inferred = [{max = 2.000000e+00 : f64, min = 0.000000e+00 : f64}]
// CHECK: tosa.sigmoid {{.*}}qfhe.inferred = [{max = 0.88079{{[0-9]*}} : f64, min = 0.49999{{[0-9]*}} : f64}]
func.func @mlp(%x: tensor<1x3x2xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 3.0], [-2.0, 1.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  %b = "tosa.const"() {values = dense<-1.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %a = tosa.add %m, %b : (tensor<1x3x2xf32>, tensor<1x1x1xf32>) -> tensor<1x3x2xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 2.0 : f32} : (tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  %s = tosa.sigmoid %c : (tensor<1x3x2xf32>) -> tensor<1x3x2xf32>
  return %s : tensor<1x3x2xf32>
}

// -----

// tosa.conv2d (NHWC, weights [OC, KH, KW, IC]) with bias, exact per output
// channel (axis 3); zero padding adds 0 to the input range.
//   channel 0: 2 taps of weight 1 on x in [0, 1] + bias 1 -> [1, 3]
//   channel 1: taps 1 and -1                     + bias 0 -> [-1, 1]
// then average pooling (stays inside), a sum over axis 1 of 2 rows, reshape.
// CHECK-LABEL: func @conv
// CHECK: tosa.conv2d {{.*}}qfhe.inferred = [{axis = 3 : i64, channel_max = array<f64: 3.00000{{[0-9]*}}, 1.00000{{[0-9]*}}>, channel_min = array<f64: 0.99999{{[0-9]*}}, -1.00000{{[0-9]*}}>
// CHECK: tosa.avg_pool2d {{.*}}qfhe.inferred = [{max = 3.00000{{[0-9]*}} : f64, min = -1.00000{{[0-9]*}} : f64}]
// CHECK: tosa.reduce_sum {{.*}}qfhe.inferred = [{max = 6.00000{{[0-9]*}} : f64, min = -2.00000{{[0-9]*}} : f64}]
// CHECK: tosa.reshape {{.*}}qfhe.inferred = [{max = 6.00000{{[0-9]*}} : f64, min = -2.00000{{[0-9]*}} : f64}]
func.func @conv(%x: tensor<1x2x2x1xf32> {qfhe.range = array<f64: 0.5, 1.0>}) -> tensor<2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0], [1.0]]], [[[1.0], [-1.0]]]]> : tensor<2x1x2x1xf32>} : () -> tensor<2x1x2x1xf32>
  %bias = "tosa.const"() {values = dense<[1.0, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %p = tosa.avg_pool2d %c, %zp, %zp {acc_type = f32, kernel = array<i64: 1, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x2xf32>
  %s = tosa.reduce_sum %p {axis = 1 : i32} : (tensor<1x2x1x2xf32>) -> tensor<1x1x1x2xf32>
  %shape = tosa.const_shape {values = dense<[2]> : tensor<1xindex>} : () -> !tosa.shape<1>
  %r = tosa.reshape %s, %shape : (tensor<1x1x1x2xf32>, !tosa.shape<1>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Elementwise: products, reciprocals (unbounded across 0), tanh, exp.
// CHECK-LABEL: func @elementwise
// CHECK: tosa.mul {{.*}}qfhe.inferred = [{max = 4.00000{{[0-9]*}} : f64, min = 0.000000e+00 : f64}]
// CHECK: tosa.reciprocal {{.*}}reason = "reciprocal of a range containing 0"
// CHECK: tosa.tanh {{.*}}qfhe.inferred = [{max = 0.76159{{[0-9]*}} : f64, min = -0.96402{{[0-9]*}} : f64}]
// CHECK: tosa.exp {{.*}}qfhe.inferred = [{max = 2.71828{{[0-9]*}} : f64, min = 0.13533{{[0-9]*}} : f64}]
func.func @elementwise(%x: tensor<4xf32> {qfhe.range = array<f64: -2.0, 1.0>}) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %sq = tosa.mul %x, %x, %shift : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  %r = tosa.reciprocal %x : (tensor<4xf32>) -> tensor<4xf32>
  %t = tosa.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  %e = tosa.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  return %sq, %r, %t, %e : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
