func.func @f(%v: tensor<3xf32>, %e: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %b = linalg.broadcast ins(%v : tensor<3xf32>) outs(%e : tensor<2x3xf32>) dimensions = array<i64: 0>
  return %b : tensor<2x3xf32>
}
