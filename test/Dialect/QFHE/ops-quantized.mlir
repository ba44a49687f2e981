// RUN: quant-opt %s | FileCheck %s
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// CHECK-LABEL: func @matmul
func.func @matmul(%x: tensor<?x3xui8>, %w: tensor<3x2xsi8>, %b: tensor<2xsi32>) -> (tensor<?x2xsi32>, tensor<?x2xsi16>) {
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}}, %{{.*}} {{{.*}}} : tensor<?x3xui8>, tensor<3x2xsi8>, tensor<2xsi32> -> tensor<?x2xsi32>
  %a = qfhe.matmul %x, %w, %b {lhs_params = #qfhe.quant<ui8, scale = 0.5, zero_point = 1>, rhs_params = #qfhe.quant<si8, axis = 1, scales = [1.0, 2.0], zero_points = [0, 1]>, result_params = #qfhe.quant<si32, axis = 1, scales = [0.5, 1.0], zero_points = [0, 0]>} : tensor<?x3xui8>, tensor<3x2xsi8>, tensor<2xsi32> -> tensor<?x2xsi32>
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}} {{{.*}}} : tensor<?x3xui8>, tensor<3x2xsi8> -> tensor<?x2xsi16>
  %c = qfhe.matmul %x, %w {lhs_params = #qfhe.quant<ui8, scale = 0.5, zero_point = 1>, rhs_params = #qfhe.quant<si8, scale = 0.25, zero_point = 0>, result_params = #qfhe.quant<si16, scale = 0.125, zero_point = 0>} : tensor<?x3xui8>, tensor<3x2xsi8> -> tensor<?x2xsi16>
  return %a, %c : tensor<?x2xsi32>, tensor<?x2xsi16>
}

// CHECK-LABEL: func @chunked_matmul
func.func @chunked_matmul(%x: tensor<?x4xsi8>, %w: tensor<4x2xsi8>) -> tensor<?x2xsi32> {
  // CHECK: qfhe.matmul %{{.*}}, %{{.*}} {chunks = 2 : i64, {{.*}}} : tensor<?x4xsi8>, tensor<4x2xsi8> -> tensor<?x2xsi32>
  %a = qfhe.matmul %x, %w {chunks = 2 : i64, lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 0>} : tensor<?x4xsi8>, tensor<4x2xsi8> -> tensor<?x2xsi32>
  return %a : tensor<?x2xsi32>
}

// CHECK-LABEL: func @conv_and_pools
func.func @conv_and_pools(%x: tensor<?x2x4x4xsi8>, %f: tensor<3x2x3x3xsi8>, %d: tensor<2x1x3x3xsi8>) -> (tensor<?x3x4x4xsi32>, tensor<?x2x2x2xsi32>, tensor<?x2x2x2xsi12>, tensor<?x2x2x2xsi8>, tensor<?x2xsi12>) {
  // CHECK: qfhe.conv2d {{.*}}padding = array<i64: 1, 1, 1, 1>{{.*}} : tensor<?x2x4x4xsi8>, tensor<3x2x3x3xsi8> -> tensor<?x3x4x4xsi32>
  %c = qfhe.conv2d %x, %f {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, filter_params = #qfhe.quant<si8, axis = 0, scales = [1.0, 2.0, 4.0], zero_points = [0, 0, 0]>, result_params = #qfhe.quant<si32, axis = 1, scales = [0.5, 1.0, 2.0], zero_points = [0, 0, 0]>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>} : tensor<?x2x4x4xsi8>, tensor<3x2x3x3xsi8> -> tensor<?x3x4x4xsi32>
  // CHECK: qfhe.conv2d {{.*}}groups = 2 : i64{{.*}} -> tensor<?x2x2x2xsi32>
  %dw = qfhe.conv2d %x, %d {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, filter_params = #qfhe.quant<si8, scale = 1.0, zero_point = 0>, result_params = #qfhe.quant<si32, scale = 0.5, zero_point = 0>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, groups = 2} : tensor<?x2x4x4xsi8>, tensor<2x1x3x3xsi8> -> tensor<?x2x2x2xsi32>
  // CHECK: qfhe.sum_pool {{.*}}divisor = 4 : i64{{.*}} : tensor<?x2x4x4xsi8> -> tensor<?x2x2x2xsi12>
  %s = qfhe.sum_pool %x {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si12, scale = 0.125, zero_point = 0>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, divisor = 4} : tensor<?x2x4x4xsi8> -> tensor<?x2x2x2xsi12>
  // CHECK: qfhe.max_pool {{.*}} : tensor<?x2x4x4xsi8> -> tensor<?x2x2x2xsi8>
  %m = qfhe.max_pool %x {params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : tensor<?x2x4x4xsi8> -> tensor<?x2x2x2xsi8>
  // CHECK: qfhe.reduce_sum {{.*}}dimensions = array<i64: 2, 3>{{.*}} : tensor<?x2x4x4xsi8> -> tensor<?x2xsi12>
  %r = qfhe.reduce_sum %x {input_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, result_params = #qfhe.quant<si12, scale = 3.125e-2, zero_point = 0>, dimensions = array<i64: 2, 3>, divisor = 16} : tensor<?x2x4x4xsi8> -> tensor<?x2xsi12>
  return %c, %dw, %s, %m, %r : tensor<?x3x4x4xsi32>, tensor<?x2x2x2xsi32>, tensor<?x2x2x2xsi12>, tensor<?x2x2x2xsi8>, tensor<?x2xsi12>
}

// CHECK-LABEL: func @functions
func.func @functions(%a: tensor<4xsi8>, %b: tensor<4xui8>, %acc: tensor<2x2xsi32>) -> (tensor<4xsi8>, tensor<4xsi8>, tensor<4xsi8>, tensor<2x2xsi8>) {
  // CHECK: qfhe.add %{{.*}}, %{{.*}} {{{.*}}} : tensor<4xsi8>, tensor<4xui8> -> tensor<4xsi8>
  %s = qfhe.add %a, %b {lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<ui8, scale = 0.25, zero_point = 128>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8>, tensor<4xui8> -> tensor<4xsi8>
  // CHECK: qfhe.sub
  %d = qfhe.sub %a, %b {lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<ui8, scale = 0.25, zero_point = 128>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8>, tensor<4xui8> -> tensor<4xsi8>
  // CHECK: qfhe.mul
  %p = qfhe.mul %a, %b {lhs_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>, rhs_params = #qfhe.quant<ui8, scale = 0.25, zero_point = 128>, result_params = #qfhe.quant<si8, scale = 0.5, zero_point = 0>} : tensor<4xsi8>, tensor<4xui8> -> tensor<4xsi8>
  // CHECK: qfhe.apply %{{.*}} {{{.*}}channel_axis = 1 : i64{{.*}}} : tensor<2x2xsi32> -> tensor<2x2xsi8> {
  // CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[C:.*]]: index):
  // CHECK: math.tanh
  // CHECK: qfhe.yield %{{.*}} : f32
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %t = qfhe.apply %acc {input_params = #qfhe.quant<si32, axis = 1, scales = [1.0e-3, 2.0e-3], zero_points = [0, 0]>, result_params = #qfhe.quant<si8, scale = 0.0078125, zero_point = 0>, channel_axis = 1 : i64} : tensor<2x2xsi32> -> tensor<2x2xsi8> {
  ^bb0(%v: f32, %ch: index):
    %k = tensor.extract %c[%ch] : tensor<2xf32>
    %m = arith.mulf %v, %k : f32
    %h = math.tanh %m : f32
    qfhe.yield %h : f32
  }
  return %s, %d, %p, %t : tensor<4xsi8>, tensor<4xsi8>, tensor<4xsi8>, tensor<2x2xsi8>
}
