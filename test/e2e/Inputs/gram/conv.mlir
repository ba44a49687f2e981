// A padded, strided NCHW convolution of the input itself, then a matmul of
// the flattened result: calibration records the Gram matrix of the
// convolution's windows and of the matmul's rows.
func.func @predict(%x: tensor<?x2x5x5xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x2x5x5xf32>
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x2x5x5xf32> to tensor<?x2x7x7xf32>
  %filter = arith.constant dense<0.25> : tensor<2x2x3x3xf32>
  %empty = tensor.empty(%n) : tensor<?x2x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%padded, %filter : tensor<?x2x7x7xf32>, tensor<2x2x3x3xf32>) outs(%init : tensor<?x2x3x3xf32>) -> tensor<?x2x3x3xf32>
  %flat = tensor.collapse_shape %conv [[0], [1, 2, 3]] : tensor<?x2x3x3xf32> into tensor<?x18xf32>
  %w = arith.constant dense<0.5> : tensor<18x3xf32>
  %empty2 = tensor.empty(%n) : tensor<?x3xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%empty2 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %y = linalg.matmul ins(%flat, %w : tensor<?x18xf32>, tensor<18x3xf32>) outs(%init2 : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
