// Functions of one tensor written across several generics, as the ONNX
// importer writes them (normalize-booleans.mlir): torch.where(h > 0, h,
// 0.1 * h) (a comparison into an i1 tensor, a product, a select) and
// h * sigmoid(h), on a dense layer's output h.
#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>
func.func @where(%x: tensor<?x8xf32> {qfhe.range = array<f64: -1.0, 1.0>})
    -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.5, -0.25], [0.75, 0.125], [-0.5, 1.0], [0.25, 0.5],
                             [0.125, -0.75], [-0.25, 0.25], [1.0, -0.5], [-0.125, 0.375]]> : tensor<8x2xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %h = linalg.matmul ins(%x, %w : tensor<?x8xf32>, tensor<8x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %z = arith.constant dense<0.0> : tensor<f32>
  %bools = tensor.empty(%n) : tensor<?x2xi1>
  %positive = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %z : tensor<?x2xf32>, tensor<f32>) outs(%bools : tensor<?x2xi1>) {
  ^bb0(%a: f32, %b: f32, %o: i1):
    %r = arith.cmpf ogt, %a, %b : f32
    linalg.yield %r : i1
  } -> tensor<?x2xi1>
  %tenth = arith.constant dense<0.1> : tensor<f32>
  %scaled = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %tenth : tensor<?x2xf32>, tensor<f32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  %leaky = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%positive, %h, %scaled : tensor<?x2xi1>, tensor<?x2xf32>, tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%c: i1, %a: f32, %b: f32, %o: f32):
    %r = arith.select %c, %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  %sigmoid = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %neg = arith.negf %a : f32
    %exp = math.exp %neg : f32
    %den = arith.addf %exp, %one : f32
    %r = arith.divf %one, %den : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  %silu = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %sigmoid : tensor<?x2xf32>, tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x2xf32>
  return %leaky, %silu : tensor<?x2xf32>, tensor<?x2xf32>
}
