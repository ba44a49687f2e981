// A linear layer of 16 inputs in [0, 1] and 2 outputs (weights drawn from
// N(0, 0.5^2), make_inputs.py's seed 3), long enough to split.
func.func @dense16(%x: tensor<?x16xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.020, -1.278], [0.209, -0.284], [-0.226, -0.108], [-1.010, -0.116], [-0.433, 1.661], [0.113, -0.176], [-0.141, -0.334], [-0.528, -0.195], [0.241, -0.119], [0.479, -0.100], [0.012, 0.773], [0.273, -0.253], [-0.091, 0.270], [0.968, -0.135], [-0.122, 0.501], [-0.443, -0.146]]> : tensor<16x2xf32>
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<?x16xf32>, tensor<16x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %m : tensor<?x2xf32>
}
