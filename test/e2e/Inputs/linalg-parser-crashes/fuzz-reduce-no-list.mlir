// Found by `FUZZ_SEED=0 scripts/fuzz.sh 600 mlir` (a mutation of
// test/Transforms/reduce-innermost.mlir): `dimensions=` followed by no list
// at all, which the first guard (a list after `)`) let through.
func.func @unchanged(%x: tensor<?x4xf32>, %s: tensor<f32>) -> tensor<f32> {
  %1 = linalg.reduce ins(%x : tensor<?x4xf32>) outs(%s : tensor<f32>) dimensions= arith.maxnumf %a, %acc : f32
      linalg.yield %m : f32
    }
  return %1 : tensor<f32>
}
