// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func @matmul
func.func @matmul(%x: tensor<?x3x!quant.uniform<u8:f32, 0.5:1>>, %w: tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>, %b: tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>>, %v: tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.25>>) -> (tensor<?x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>>, tensor<?x2x!quant.uniform<i16:f32, 0.125>>) {
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3x!quant.uniform<u8:f32, 5.000000e-01:1>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.000000e+00,2.000000e+00:1}>>, tensor<2x!quant.uniform<i32:f32:0, {5.000000e-01,1.000000e+00}>> -> tensor<?x2x!quant.uniform<i32:f32:1, {5.000000e-01,1.000000e+00}>>
  %a = qfhe.matmul %x, %w, %b : tensor<?x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>, tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>> -> tensor<?x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>>
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}} : tensor<?x3x!quant.uniform<u8:f32, 5.000000e-01:1>>, tensor<3x2x!quant.uniform<i8<-127:127>:f32, 2.500000e-01>> -> tensor<?x2x!quant.uniform<i16:f32, 1.250000e-01>>
  %c = qfhe.matmul %x, %v : tensor<?x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.25>> -> tensor<?x2x!quant.uniform<i16:f32, 0.125>>
  return %a, %c : tensor<?x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>>, tensor<?x2x!quant.uniform<i16:f32, 0.125>>
}

// A float32 product of the operands' scales verifies: 0.1f * 0.3f is
// 0.030000000707805156 exactly, its float32 rounding 0.030000001192092896.
// CHECK-LABEL: func @float32_product
func.func @float32_product(%x: tensor<1x2x!quant.uniform<u8:f32, 0.10000000149011612>>, %w: tensor<2x1x!quant.uniform<i8:f32, 0.30000001192092896>>) -> tensor<1x1x!quant.uniform<i32:f32, 0.030000001192092896>> {
  // CHECK: qfhe.matmul
  %a = qfhe.matmul %x, %w : tensor<1x2x!quant.uniform<u8:f32, 0.10000000149011612>>, tensor<2x1x!quant.uniform<i8:f32, 0.30000001192092896>> -> tensor<1x1x!quant.uniform<i32:f32, 0.030000001192092896>>
  return %a : tensor<1x1x!quant.uniform<i32:f32, 0.030000001192092896>>
}

// A bias whose scale is the float32 rounding of the product (as ONNX
// Runtime's quantizer writes it, 2.6e-9 relative off) verifies against an
// accumulator of the exact product.
// CHECK-LABEL: func @float32_bias
func.func @float32_bias(%x: tensor<1x2x!quant.uniform<u8:f32, 0.003921568859368563>>, %w: tensor<2x1x!quant.uniform<i8:f32, 0.019439000636339188>>, %b: tensor<1x!quant.uniform<i32:f32, 7.623137935297564e-05>>) -> tensor<1x1x!quant.uniform<i32:f32, 7.623137955271343e-05>> {
  // CHECK: qfhe.matmul
  %a = qfhe.matmul %x, %w, %b : tensor<1x2x!quant.uniform<u8:f32, 0.003921568859368563>>, tensor<2x1x!quant.uniform<i8:f32, 0.019439000636339188>>, tensor<1x!quant.uniform<i32:f32, 7.623137935297564e-05>> -> tensor<1x1x!quant.uniform<i32:f32, 7.623137955271343e-05>>
  return %a : tensor<1x1x!quant.uniform<i32:f32, 7.623137955271343e-05>>
}

// CHECK-LABEL: func @chunked_matmul
func.func @chunked_matmul(%x: tensor<?x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<4x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<?x2x!quant.uniform<i32:f32, 0.5>> {
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}} {chunks = 2 : i64} : tensor<?x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<4x2x!quant.uniform<i8:f32, 1.000000e+00>> -> tensor<?x2x!quant.uniform<i32:f32, 5.000000e-01>>
  %a = qfhe.matmul %x, %w {chunks = 2 : i64} : tensor<?x4x!quant.uniform<i8:f32, 0.5>>, tensor<4x2x!quant.uniform<i8:f32, 1.0>> -> tensor<?x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<?x2x!quant.uniform<i32:f32, 0.5>>
}

// Quantized constants are storage integers cast with quant.scast.
// CHECK-LABEL: func @constant_weights
func.func @constant_weights(%x: tensor<1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i32:f32, 0.5>> {
  // CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[1, -2], [3, 4]]> : tensor<2x2xi8>
  // CHECK: %[[W:.*]] = quant.scast %[[C]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 1.000000e+00>>
  // CHECK: qfhe.matmul %{{.*}}, %[[W]]
  %c = arith.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
  %w = quant.scast %c : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 1.0>>
  %a = qfhe.matmul %x, %w : tensor<1x2x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x!quant.uniform<i32:f32, 0.5>>
  return %a : tensor<1x2x!quant.uniform<i32:f32, 0.5>>
}

// CHECK-LABEL: func @conv_and_pools
func.func @conv_and_pools(%x: tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>>, %f: tensor<3x2x3x3x!quant.uniform<i8:f32:0, {1.0, 2.0, 4.0}>>, %d: tensor<2x1x3x3x!quant.uniform<i8:f32, 1.0>>) -> (tensor<?x3x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0, 2.0}>>, tensor<?x2x2x2x!quant.uniform<i32:f32, 0.5>>, tensor<?x2x2x2x!quant.uniform<i12:f32, 0.125>>, tensor<?x2x2x2x!quant.uniform<i8:f32, 0.5>>, tensor<?x2x!quant.uniform<i12:f32, 3.125e-2>>) {
  // CHECK: qfhe.conv2d {{.*}}padding = array<i64: 1, 1, 1, 1>{{.*}} -> tensor<?x3x4x4x!quant.uniform<i32:f32:1, {5.000000e-01,1.000000e+00,2.000000e+00}>>
  %c = qfhe.conv2d %x, %f {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>} : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<3x2x3x3x!quant.uniform<i8:f32:0, {1.0, 2.0, 4.0}>> -> tensor<?x3x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0, 2.0}>>
  // CHECK: qfhe.conv2d {{.*}}groups = 2 : i64{{.*}} -> tensor<?x2x2x2x!quant.uniform<i32:f32, 5.000000e-01>>
  %dw = qfhe.conv2d %x, %d {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, groups = 2} : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 1.0>> -> tensor<?x2x2x2x!quant.uniform<i32:f32, 0.5>>
  // CHECK: qfhe.sum_pool {{.*}}divisor = 4 : i64{{.*}} -> tensor<?x2x2x2x!quant.uniform<i12:f32, 1.250000e-01>>
  %s = qfhe.sum_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, divisor = 4} : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>> -> tensor<?x2x2x2x!quant.uniform<i12:f32, 0.125>>
  // CHECK: qfhe.max_pool {{.*}} -> tensor<?x2x2x2x!quant.uniform<i8:f32, 5.000000e-01>>
  %m = qfhe.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>> -> tensor<?x2x2x2x!quant.uniform<i8:f32, 0.5>>
  // CHECK: qfhe.reduce_sum {{.*}}dimensions = array<i64: 2, 3>{{.*}} -> tensor<?x2x!quant.uniform<i12:f32, 3.125000e-02>>
  %r = qfhe.reduce_sum %x {dimensions = array<i64: 2, 3>, divisor = 16} : tensor<?x2x4x4x!quant.uniform<i8:f32, 0.5>> -> tensor<?x2x!quant.uniform<i12:f32, 3.125e-2>>
  return %c, %dw, %s, %m, %r : tensor<?x3x4x4x!quant.uniform<i32:f32:1, {0.5, 1.0, 2.0}>>, tensor<?x2x2x2x!quant.uniform<i32:f32, 0.5>>, tensor<?x2x2x2x!quant.uniform<i12:f32, 0.125>>, tensor<?x2x2x2x!quant.uniform<i8:f32, 0.5>>, tensor<?x2x!quant.uniform<i12:f32, 3.125e-2>>
}

// CHECK-LABEL: func @functions
func.func @functions(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<4x!quant.uniform<u8:f32, 0.25:128>>, %acc: tensor<2x2x!quant.uniform<i32:f32:1, {1.0e-3, 2.0e-3}>>) -> (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<i8:f32, 0.0078125>>) {
  // CHECK: qfhe.add %{{.*}}, %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>
  %s = qfhe.add %a, %b : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<u8:f32, 0.25:128>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  // CHECK: qfhe.sub
  %d = qfhe.sub %a, %b : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<u8:f32, 0.25:128>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  // CHECK: qfhe.mul
  %p = qfhe.mul %a, %b : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<u8:f32, 0.25:128>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  // CHECK: qfhe.apply %{{.*}} {channel_axis = 1 : i64} : tensor<2x2x!quant.uniform<i32:f32:1, {1.000000e-03,2.000000e-03}>> -> tensor<2x2x!quant.uniform<i8:f32, 7.812500e-03>> {
  // CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[C:.*]]: index):
  // CHECK: math.tanh
  // CHECK: qfhe.yield %{{.*}} : f32
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %t = qfhe.apply %acc {channel_axis = 1 : i64} : tensor<2x2x!quant.uniform<i32:f32:1, {1.0e-3, 2.0e-3}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.0078125>> {
  ^bb0(%v: f32, %ch: index):
    %k = tensor.extract %c[%ch] : tensor<2xf32>
    %m = arith.mulf %v, %k : f32
    %h = math.tanh %m : f32
    qfhe.yield %h : f32
  }
  return %s, %d, %p, %t : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<i8:f32, 0.0078125>>
}

// A function of two quantized tensors: the body reads both dequantized
// values (here a residual sum clamped at 0, as a Relu after an Add).
// CHECK-LABEL: func @apply_pair
// CHECK: qfhe.apply_pair %{{.*}}, %{{.*}} : tensor<2x4x!quant.uniform<u8<0:15>:f32, 1.000000e-01>>, tensor<2x4x!quant.uniform<i8<-8:7>:f32, 2.000000e-01:-1>> -> tensor<2x4x!quant.uniform<u8<0:15>:f32, 3.000000e-01>> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK: arith.maximumf %[[S]]
// CHECK: qfhe.yield %{{.*}} : f32
func.func @apply_pair(%a: tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.1>>, %b: tensor<2x4x!quant.uniform<i8<-8:7>:f32, 0.2:-1>>) -> tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.3>> {
  %r = qfhe.apply_pair %a, %b : tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.1>>, tensor<2x4x!quant.uniform<i8<-8:7>:f32, 0.2:-1>> -> tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.3>> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %s, %z : f32
    qfhe.yield %m : f32
  }
  return %r : tensor<2x4x!quant.uniform<u8<0:15>:f32, 0.3>>
}
