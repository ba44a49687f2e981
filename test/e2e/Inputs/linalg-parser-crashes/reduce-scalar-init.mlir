!acc = f32
func.func @f(%x: tensor<4xf32>, %s: f32) {
  %r = linalg.reduce { arith.addf } ins(%x : tensor<4xf32>) outs(%s : !acc) dimensions = [0]
  return
}
