func.func @f(%x: tensor<4xf32>, %y: f32, %e: tensor<4xf32>) -> tensor<4xf32> {
  %m = linalg.map { arith.addf } ins(%x, %y : tensor<4xf32>, f32) outs(%e : tensor<4xf32>)
  return %m : tensor<4xf32>
}
