// RUN: quant-opt %s --qfhe-infer-ranges=check-observed --split-input-file --verify-diagnostics
// RUN: quant-opt %s --qfhe-infer-ranges=use-observed --split-input-file | FileCheck %s

// Calibration inside the sound ranges passes the check; with use-observed
// the analysis takes observed ranges where they exist (exp: [1, 1.5]) and
// propagates from them elsewhere (tanh of the observed [0, 0.5]).
// CHECK-LABEL: func @consistent
// CHECK: math.tanh {{.*}}qfhe.inferred = [{max = 0.46211{{[0-9]*}} : f64, min = 0.000000e+00 : f64}]
// CHECK: math.exp {{.*}}qfhe.inferred = [{max = 1.500000e+00 : f64, min = 1.000000e+00 : f64}]
func.func @consistent(%x: tensor<4xf32> {qfhe.range = array<f64: -1.0, 1.0>, qfhe.observed = {min = 0.0 : f64, max = 0.5 : f64}}) -> (tensor<4xf32>, tensor<4xf32>) {
  %t = math.tanh %x : tensor<4xf32>
  %e = math.exp %x {qfhe.observed = [{min = 1.0 : f64, max = 1.5 : f64}]} : tensor<4xf32>
  return %t, %e : tensor<4xf32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{argument #0: observed range [-2, 0.5] is not inside the inferred range [-1, 1]}}
func.func @outside(%x: tensor<4xf32> {qfhe.range = array<f64: -1.0, 1.0>, qfhe.observed = {min = -2.0 : f64, max = 0.5 : f64}}) -> tensor<4xf32> {
  // expected-error @+1 {{result #0: observed range [0, 1.5] is not inside the inferred range}}
  %t = math.tanh %x {qfhe.observed = [{min = 0.0 : f64, max = 1.5 : f64}]} : tensor<4xf32>
  return %t : tensor<4xf32>
}
