func.func @f(%x: tensor<2x3xf32>, %e: tensor<2xf32>) -> tensor<2xf32> {
  %r = linalg.reduce { arith.addf } ins(%x : tensor<2x3xf32>) outs(%e : tensor<2xf32>) dimensions = [99999999999999999999]
  return %r : tensor<2xf32>
}
