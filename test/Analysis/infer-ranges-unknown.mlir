// RUN: quant-opt %s --qfhe-infer-ranges --split-input-file \
// RUN:   --allow-unregistered-dialect | FileCheck %s

// Without a declared range the argument is unbounded, and so is everything
// computed from it; the reason travels with the range.
// CHECK-LABEL: func @no_declared_range
// CHECK-SAME: qfhe.inferred = {max = 0x7FF0000000000000 : f64, min = 0xFFF0000000000000 : f64, reason = "function argument #0 has no declared range (qfhe.range) or calibration"}
// CHECK: math.tanh {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}]
// CHECK: arith.addf {{.*}}reason = "function argument #0 has no declared range (qfhe.range) or calibration"
func.func @no_declared_range(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %t = math.tanh %x : tensor<4xf32>
  %a = arith.addf %x, %t : tensor<4xf32>
  return %t, %a : tensor<4xf32>, tensor<4xf32>
}

// -----

// A calibrated argument without a declared range: the sound analysis does
// not use calibration ranges (use-observed is off), and says so.
// CHECK-LABEL: func @calibrated_not_declared
// CHECK-SAME: reason = "function argument #0 has no declared range (qfhe.range), and this analysis does not use calibration ranges (qfhe.observed)"
func.func @calibrated_not_declared(%x: tensor<4xf32> {qfhe.observed = {min = 0.0 : f64, max = 1.0 : f64}}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// An op without a rule: unbounded, naming the op; never a guess.
// CHECK-LABEL: func @unknown_op
// CHECK: "test.unknown"{{.*}}reason = "no range rule for 'test.unknown'"
// CHECK: linalg.generic {{.*}}reason = "no range rule for 'math.sinh' in a linalg body"
func.func @unknown_op(%x: tensor<4xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> (tensor<4xf32>, tensor<4xf32>) {
  %u = "test.unknown"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.sinh %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %u, %g : tensor<4xf32>, tensor<4xf32>
}
