// A sum over 17 terms, a prime number: split-sums.mlir checks it stays.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#keep0 = affine_map<(d0, d1) -> (d0)>
func.func @prime(%x: tensor<?x17xf32>) -> tensor<?xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x17xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %s = linalg.generic {indexing_maps = [#id2, #keep0],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<?x17xf32>) outs(%z : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.addf %in, %out : f32
    linalg.yield %t : f32
  } -> tensor<?xf32>
  return %s : tensor<?xf32>
}
