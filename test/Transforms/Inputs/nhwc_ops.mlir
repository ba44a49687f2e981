// Channels-last linalg ops as TensorFlow-style front ends write them: a
// 2x2 convolution with an HWCF filter, a depthwise 2x2 convolution (HWC
// filter), a 2x2 sum pooling, each followed by an elementwise op.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @nhwc(%x: tensor<?x5x5x2xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x2x2x3xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x5x5x2xf32>
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.5, -0.25, 0.125], [0.25, 0.5, -0.5]], [[-0.75, 0.25, 0.5], [0.125, -0.125, 0.25]]], [[[0.5, 0.5, -0.25], [-0.5, 0.75, 0.125]], [[0.25, -0.5, 0.5], [0.5, 0.25, -0.75]]]]> : tensor<2x2x2x3xf32>
  %e1 = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x5x5x2xf32>, tensor<2x2x2x3xf32>) outs(%f1 : tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<?x4x4x3xf32>) outs(%e1 : tensor<?x4x4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.tanh %in : f32
    linalg.yield %v : f32
  } -> tensor<?x4x4x3xf32>
  %dw = arith.constant dense<[[[0.5, -0.5, 0.25], [0.25, 0.75, -0.5]], [[-0.25, 0.5, 0.5], [0.75, -0.25, 0.125]]]> : tensor<2x2x3xf32>
  %e2 = tensor.empty(%n) : tensor<?x3x3x3xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x3x3x3xf32>) -> tensor<?x3x3x3xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%t, %dw : tensor<?x4x4x3xf32>, tensor<2x2x3xf32>) outs(%f2 : tensor<?x3x3x3xf32>) -> tensor<?x3x3x3xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %e3 = tensor.empty(%n) : tensor<?x2x2x3xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x2x2x3xf32>) -> tensor<?x2x2x3xf32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%d, %window : tensor<?x3x3x3xf32>, tensor<2x2xf32>) outs(%f3 : tensor<?x2x2x3xf32>) -> tensor<?x2x2x3xf32>
  return %s : tensor<?x2x2x3xf32>
}
