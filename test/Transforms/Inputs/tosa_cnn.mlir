// A channels-last (NHWC) CNN in TOSA: a padded 2x1 convolution with bias,
// ReLU (clamp), 2x2 max pooling, flattened.
func.func @cnn(%x: tensor<?x6x6x2xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<?x27xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5, -0.25]], [[0.125, 0.5]]], [[[-0.5, 0.25]], [[0.75, -0.125]]], [[[0.25, 0.25]], [[-0.75, 0.5]]]]> : tensor<3x2x1x2xf32>} : () -> tensor<3x2x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2, 0.3]> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x6x6x2xf32>, tensor<3x2x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x6x6x3xf32>
  %r = tosa.clamp %c {max_val = 3.4e38 : f32, min_val = 0.0 : f32} : (tensor<?x6x6x3xf32>) -> tensor<?x6x6x3xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<?x6x6x3xf32>) -> tensor<?x3x3x3xf32>
  %shape = tosa.const_shape {values = dense<[-1, 27]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %p, %shape : (tensor<?x3x3x3xf32>, !tosa.shape<2>) -> tensor<?x27xf32>
  return %o : tensor<?x27xf32>
}
