func.func @f(%a: tensor<2x3xf32>, %et: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %t = linalg.transpose ins(%a : tensor<2x3xf32>) outs(%et : tensor<3x2xf32>) // swap
      permutation = [1 0]
  return %t : tensor<3x2xf32>
}
