// RUN: quant-opt %s --qfhe-decompose-aggregates --qfhe-normalize --qfhe-infer-ranges | FileCheck %s
// RUN: quant-opt %s --qfhe-normalize --qfhe-infer-ranges | FileCheck %s --check-prefix=WHOLE

// A softmax the function returns stays whole through qfhe-normalize (the
// client computes it): its values are probabilities.
// WHOLE-LABEL: func @softmax
// WHOLE: linalg.softmax {qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]}

// linalg.softmax, decomposed (as qfhe-normalize does where the program
// computes on its result, and the LLVM lowering everywhere): its max reduction starts
// from NaN and uses maxnumf, which skips NaN, so the maximum lies in the
// inputs' range [-2, 3]; x - max is in [-5, 5], its exp in [e^-5, e^5],
// the sum of 4 in [4 e^-5, 4 e^5] (widened by float rounding), its
// reciprocal (qfhe-normalize writes the quotient as a product by it) in
// [e^-5 / 4, e^5 / 4], and the quotient is positive (loosely bounded: the
// analysis does not know that each term is part of the sum).
// CHECK-LABEL: func @softmax
// CHECK: linalg.fill {qfhe.inferred = [{max = 0xFFF8000000000000 : f64, min = 0xFFF8000000000000 : f64}]}
// CHECK: qfhe.inferred = [{max = 3.000000e+00 : f64, min = -2.000000e+00 : f64}]
// CHECK: arith.maxnumf
// CHECK: qfhe.inferred = [{max = 148.41{{[0-9]*}} : f64, min = 0.0067{{[0-9]*}} : f64}]
// CHECK: math.exp
// CHECK: qfhe.inferred = [{max = 593.6{{[0-9]*}} : f64, min = 0.0268{{[0-9]*}} : f64}]
// CHECK: arith.addf
// CHECK: qfhe.inferred = [{max = 37.29{{[0-9]*}} : f64, min = 0.00168{{[0-9]*}} : f64}]
// CHECK: arith.divf
// CHECK: qfhe.inferred = [{max = 5535.6{{[0-9]*}} : f64, min = 1.13{{[0-9]*}}E-5 : f64}]
// CHECK: arith.mulf
func.func @softmax(%x: tensor<?x4xf32> {qfhe.range = array<f64: -2.0, 3.0>}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}
