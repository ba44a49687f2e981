// Sums for split-sums.mlir: over the last dimension (256 terms), over two
// dimensions that are not last (3 x 8 = 24 terms), over 300 terms (split
// twice at max-terms=16) and over 2 terms (kept).
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#keep01 = affine_map<(d0, d1, d2) -> (d0, d1)>
#keep02 = affine_map<(d0, d1, d2) -> (d0, d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#keep02of4 = affine_map<(d0, d1, d2, d3) -> (d0, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#keep0 = affine_map<(d0, d1) -> (d0)>
func.func @sums(%a: tensor<?x2x256xf32> {qfhe.range = array<f64: -1.0, 2.0>},
                %b: tensor<?x3x4x8xf32> {qfhe.range = array<f64: -1.0, 1.0>},
                %c: tensor<?x300xf32> {qfhe.range = array<f64: 0.0, 1.0>})
    -> (tensor<?x2xf32>, tensor<?x4xf32>, tensor<?xf32>, tensor<?x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x2x256xf32>
  %e2 = tensor.empty(%n) : tensor<?x2xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x2xf32>) -> tensor<?x2xf32>
  %sa = linalg.generic {indexing_maps = [#id3, #keep01],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a : tensor<?x2x256xf32>) outs(%z2 : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %e4 = tensor.empty(%n) : tensor<?x4xf32>
  %z4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %sb = linalg.generic {indexing_maps = [#id4, #keep02of4],
                        iterator_types = ["parallel", "reduction", "parallel", "reduction"]}
      ins(%b : tensor<?x3x4x8xf32>) outs(%z4 : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  %e1 = tensor.empty(%n) : tensor<?xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?xf32>) -> tensor<?xf32>
  %sc = linalg.generic {indexing_maps = [#id2, #keep0],
                        iterator_types = ["parallel", "reduction"]}
      ins(%c : tensor<?x300xf32>) outs(%z1 : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %e256 = tensor.empty(%n) : tensor<?x256xf32>
  %z256 = linalg.fill ins(%zero : f32) outs(%e256 : tensor<?x256xf32>) -> tensor<?x256xf32>
  %sd = linalg.generic {indexing_maps = [#id3, #keep02],
                        iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a : tensor<?x2x256xf32>) outs(%z256 : tensor<?x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<?x256xf32>
  return %sa, %sb, %sc, %sd : tensor<?x2xf32>, tensor<?x4xf32>, tensor<?xf32>, tensor<?x256xf32>
}
