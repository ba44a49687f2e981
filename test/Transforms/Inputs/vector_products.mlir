// Matrix-vector products of each kind (normalize-vector-products.mlir).
func.func @matvec(%x: tensor<?x4xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?xf32> {
  %w = arith.constant dense<[0.5, -0.25, 0.75, 0.125]> : tensor<4xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %y = linalg.matvec ins(%x, %w : tensor<?x4xf32>, tensor<4xf32>) outs(%f : tensor<?xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}
func.func @vecmat(%x: tensor<4xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<2xf32> {
  %w = arith.constant dense<[[0.5, 1.0], [-0.25, 0.5], [0.75, -1.0], [0.125, 0.25]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %y = linalg.vecmat ins(%x, %w : tensor<4xf32>, tensor<4x2xf32>) outs(%f : tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
func.func @matvec_weights(%x: tensor<4xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<2xf32> {
  %w = arith.constant dense<[[0.5, -0.25, 0.75, 0.125], [1.0, 0.5, -1.0, 0.25]]> : tensor<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %y = linalg.matvec ins(%w, %x : tensor<2x4xf32>, tensor<4xf32>) outs(%f : tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
