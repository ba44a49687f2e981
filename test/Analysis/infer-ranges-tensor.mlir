// RUN: quant-opt %s --qfhe-infer-ranges --split-input-file | FileCheck %s

// Data movement keeps the range; padding and concatenation join ranges.
// CHECK-LABEL: func @movement
// CHECK: tensor.collapse_shape {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]
// CHECK: tensor.extract_slice {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]
// CHECK: tensor.concat {{.*}}qfhe.inferred = [{max = 5.000000e+00 : f64, min = -3.000000e+00 : f64}]
// CHECK: } {qfhe.inferred = [{max = 1.000000e+00 : f64, min = -7.000000e+00 : f64}]}
// CHECK: tensor.expand_shape {{.*}}qfhe.inferred = [{max = 1.000000e+00 : f64, min = 0.000000e+00 : f64}]
func.func @movement(%x: tensor<2x3xf32> {qfhe.range = array<f64: 0.0, 1.0>}, %y: tensor<2x3xf32> {qfhe.range = array<f64: -3.0, 5.0>}) -> (tensor<6xf32>, tensor<1x3xf32>, tensor<4x3xf32>, tensor<4x5xf32>, tensor<1x6xf32>) {
  %c = tensor.collapse_shape %x [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %s = tensor.extract_slice %x[0, 0] [1, 3] [1, 1] : tensor<2x3xf32> to tensor<1x3xf32>
  %cat = tensor.concat dim(0) %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %pv = arith.constant -7.0 : f32
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %pv : f32
  } : tensor<2x3xf32> to tensor<4x5xf32>
  %e = tensor.expand_shape %c [[0, 1]] output_shape [1, 6] : tensor<6xf32> into tensor<1x6xf32>
  return %c, %s, %cat, %p, %e : tensor<6xf32>, tensor<1x3xf32>, tensor<4x3xf32>, tensor<4x5xf32>, tensor<1x6xf32>
}

// -----

// Arith and math ops on whole tensors follow the scalar rules.
// CHECK-LABEL: func @tensor_arith
// CHECK: arith.addf {{.*}}qfhe.inferred = [{max = 3.00000{{[0-9]*}} : f64, min = -1.00000{{[0-9]*}} : f64}]
// CHECK: math.exp {{.*}}qfhe.inferred = [{max = 20.0855{{[0-9]*}} : f64, min = 0.36787{{[0-9]*}} : f64}]
// CHECK: math.sqrt {{.*}}reason = "sqrt of a range reaching below its domain (NaN)"
// CHECK: math.log {{.*}}qfhe.inferred = [{max = 3.00000{{[0-9]*}} : f64, min = -1.00000{{[0-9]*}} : f64}]
func.func @tensor_arith(%x: tensor<4xf32> {qfhe.range = array<f64: -1.0, 1.0>}, %y: tensor<4xf32> {qfhe.range = array<f64: 0.0, 2.0>}) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = arith.addf %x, %y : tensor<4xf32>
  %e = math.exp %a : tensor<4xf32>
  %s = math.sqrt %a : tensor<4xf32>
  %l = math.log %e : tensor<4xf32>
  return %s, %l : tensor<4xf32>, tensor<4xf32>
}

// -----

// Dequantization has the range its parameters state, per channel.
// CHECK-LABEL: func @dequantize
// CHECK: qfhe.dequantize {{.*}}qfhe.inferred = [{axis = 1 : i64, channel_max = array<f64: 12.7000{{[0-9]*}}, 6.35000{{[0-9]*}}>, channel_min = array<f64: -12.8000{{[0-9]*}}, -6.40000{{[0-9]*}}>
func.func @dequantize(%q: tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.05}>>) -> tensor<2x2xf32> {
  %x = qfhe.dequantize %q : tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.05}>> -> tensor<2x2xf32>
  return %x : tensor<2x2xf32>
}
