// RUN: quant-opt %s --allow-unregistered-dialect | FileCheck %s
// RUN: quant-opt %s --allow-unregistered-dialect | quant-opt --allow-unregistered-dialect | FileCheck %s
// RUN: quant-opt %s --allow-unregistered-dialect --mlir-print-op-generic | quant-opt --allow-unregistered-dialect | FileCheck %s

// #qfhe.observed, what calibration records of a value: printed in a fixed
// order whatever the order written, optional entries left out.

// CHECK-LABEL: func @range_only
// CHECK-SAME: qfhe.observed = #qfhe.observed<min = -1.500000e+00, max = 2.000000e+00>
func.func @range_only(%x: tensor<?x4xf32> {qfhe.observed = #qfhe.observed<max = 2.0, min = -1.5>}) {
  return
}

// CHECK-LABEL: func @statistics
// CHECK-SAME: qfhe.observed = #qfhe.observed<min = -2.000000e+00, max = 1.100000e+01, mean_square = 1.020000e+00, quantiles = {1.000000e-02 : -1.900000e+00, 5.000000e-01 : 1.000000e-01, 0.98999999999999999 : 2.400000e+00}>
func.func @statistics(%x: tensor<?x4xf32> {qfhe.observed = #qfhe.observed<min = -2.0, max = 11.0, mean_square = 1.02, quantiles = {0.01 : -1.9, 0.5 : 0.1, 0.99 : 2.4}>}) {
  return
}

// Per channel along an axis; the whole value's quantiles at the same levels.
// CHECK-LABEL: func @channels
// CHECK-SAME: qfhe.observed = #qfhe.observed<min = 0.000000e+00, max = 4.000000e+00, mean_square = 1.000000e+00, quantiles = {5.000000e-01 : 5.000000e-01}, axis = 1, channel_min = [0.000000e+00, 0.000000e+00], channel_max = [4.000000e+00, 2.000000e+00], channel_mean_square = [1.500000e+00, 5.000000e-01], channel_quantiles = {{\[}}[1.000000e+00], [2.500000e-01]]>
func.func @channels(%x: tensor<?x2xf32> {qfhe.observed = #qfhe.observed<min = 0.0, max = 4.0, mean_square = 1.0, quantiles = {0.5 : 0.5}, axis = 1, channel_min = [0.0, 0.0], channel_max = [4.0, 2.0], channel_mean_square = [1.5, 0.5], channel_quantiles = [[1.0], [0.25]]>}) {
  return
}

// Channel ranges alone (as equalized dictionaries become), on an op: one
// entry per result, an empty dictionary where nothing was observed.
// CHECK-LABEL: func @on_ops
// CHECK: qfhe.observed = [#qfhe.observed<min = -1.000000e+00, max = 3.000000e+00, axis = 1, channel_min = [-1.000000e+00, 0.000000e+00], channel_max = [1.000000e+00, 3.000000e+00]>, {}]
func.func @on_ops() {
  %a, %b = "test.two"() {qfhe.observed = [#qfhe.observed<min = -1.0, max = 3.0, axis = 1, channel_min = [-1.0, 0.0], channel_max = [1.0, 3.0]>, {}]} : () -> (tensor<2x2xf32>, i32)
  return
}
