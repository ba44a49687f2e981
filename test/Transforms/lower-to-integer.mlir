// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=4 --canonicalize | FileCheck %s
// RUN: quant-opt %s --qfhe-lower-to-integer=tlu-bit-width=4 | quant-opt --qfhe-verify-bitwidth="max-bit-width=16 tlu-bit-width=4"
// RUN: quant-opt %s --qfhe-lower-to-integer | quant-opt --qfhe-verify-bitwidth=max-bit-width=16

// The lowering computes what the quantized program computes: with 16-bit
// lookups (no rounding) the integer program's outputs are the quantized
// program's, bit for bit, on inputs that include clamped ones.
// RUN: quant-run %s --data %S/Inputs/mlp3_x.npy -o %t.quantized.npy
// RUN: quant-opt %s --qfhe-lower-to-integer -o %t.integer.mlir
// RUN: quant-run %t.integer.mlir --data %S/Inputs/mlp3_x.npy -o %t.integer.npy
// RUN: cmp %t.quantized.npy %t.integer.npy

// The quantized program of quantize-mlp.mlir. Layer 1, column j:
// accumulator z_j = sum_i x_i w_ij + beta_j, where beta_j folds the bias
// and a shift that centers the exact range in the fewest bits, i16 here:
//   column 0, w = [64, -32, 127], x in [-128, 127]: sum in [-28512, 28383];
//     + bias 4096 gives [-24416, 32479]; shift -32768 + 24416 = -8352;
//     beta_0 = 4096 - 8352 = -4256.
//   column 1, w = [64, 127, -32]: sum in [-28512, 28383]; + bias -4096 gives
//     [-32608, 24287]; shift -160; beta_1 = -4096 - 160 = -4256.
// With 4-bit lookups, rounding drops 12 bits (z / 4096, to nearest) and
// entry v of row j holds relu(2^-13 * (4096 v + 8352)) on the output scale
// (v = 0: 1.0195 / 0.0155336 = 65.6 -> 66 - 128 = -62).
// Layer 2 reads z in [-128, 127] with zero point -128: x = z + 128 in
// [0, 255], w = [127, -127]: sum in [-32385, 32385], i16, shift -383; the
// zero-point term 128 * (127 - 127) is 0, so the init is -383. Its lookup
// drops 13 bits.
// CHECK-LABEL: func @mlp
// CHECK-DAG: %[[INIT2:.*]] = arith.constant -383 : i16
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[}}[127], [-127]]> : tensor<2x1xi8>
// CHECK-DAG: %[[BETA:.*]] = arith.constant dense<-4256> : tensor<2xi16>
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{\[}}[64, 64], [-32, 127], [127, -32]]> : tensor<3x2xi8>
// CHECK: %[[Q:.*]] = qfhe.quantize %arg0 : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<i8:f32, 7.812500e-03>>
// CHECK: %[[X:.*]] = quant.scast %[[Q]] : tensor<?x3x!quant.uniform<i8:f32, 7.812500e-03>> to tensor<?x3xi8>
// CHECK-NOT: {{: f32|xf32}}
// CHECK: %[[B:.*]] = linalg.broadcast ins(%[[BETA]] : tensor<2xi16>)
// CHECK: %[[ACC:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<?x3xi8>, tensor<3x2xi8>) outs(%[[B]] : tensor<?x2xi16>)
// CHECK: %[[R:.*]] = qfhe.round %[[ACC]] drop 12 : tensor<?x2xi16> -> tensor<?x2xi4>
// CHECK: %[[H:.*]] = qfhe.lut %[[R]] {axis = 1 : i64, table = dense<{{\[}}[-128, -128, -128, -128, -128, -128, -127, -95, -62, -30, 2, 34, 66, 99, 127, 127], [-128, -128, -128, -128, -128, -128, -128, -128, -127, -111, -95, -79, -63, -47, -31, -15]]> : tensor<2x16xi8>} : tensor<?x2xi4> -> tensor<?x2xi8>
// CHECK-NOT: {{: f32|xf32}}
// CHECK: %[[F:.*]] = linalg.fill ins(%[[INIT2]] : i16)
// CHECK: %[[ACC2:.*]] = linalg.matmul ins(%[[H]], %[[W2]] : tensor<?x2xi8>, tensor<2x1xi8>) outs(%[[F]] : tensor<?x1xi16>)
// CHECK: %[[R2:.*]] = qfhe.round %[[ACC2]] drop 13 : tensor<?x1xi16> -> tensor<?x1xi4>
// CHECK: %[[OUT:.*]] = qfhe.lut %[[R2]] {table = dense<[-128, -128, -128, -128, -128, -128, -128, -104, -57, -10, 37, 84, 127, 127, 127, 127]> : tensor<16xi8>} : tensor<?x1xi4> -> tensor<?x1xi8>
// CHECK-NOT: {{: f32|xf32}}
// CHECK: %[[S:.*]] = quant.scast %[[OUT]] : tensor<?x1xi8> to tensor<?x1x!quant.uniform<i8:f32, 0.021339582279324532:-59>>
// CHECK: %[[D:.*]] = qfhe.dequantize %[[S]] : tensor<?x1x!quant.uniform<i8:f32, 0.021339582279324532:-59>> -> tensor<?x1xf32>
// CHECK: return %[[D]]
func.func @mlp(%arg0: tensor<?x3xf32>) -> tensor<?x1xf32> {
  %0 = qfhe.quantize %arg0 : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<i8:f32, 7.812500e-03>>
  %wi = arith.constant dense<[[64, 64], [-32, 127], [127, -32]]> : tensor<3x2xi8>
  %w = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {1.562500e-02, 7.812500e-03}>>
  %bi = arith.constant dense<[4096, -4096]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.220703125E-4, 6.103515625E-5}>>
  %1 = qfhe.matmul %0, %w, %b : tensor<?x3x!quant.uniform<i8:f32, 7.812500e-03>>, tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {1.562500e-02, 7.812500e-03}>>, tensor<2x!quant.uniform<i32:f32:0, {1.220703125E-4, 6.103515625E-5}>> -> tensor<?x2x!quant.uniform<i32:f32:1, {1.220703125E-4, 6.103515625E-5}>>
  %2 = qfhe.apply %1 : tensor<?x2x!quant.uniform<i32:f32:1, {1.220703125E-4, 6.103515625E-5}>> -> tensor<?x2x!quant.uniform<i8:f32, 0.015533571131527424:-128>> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.000000e+00 : f32
    %r = arith.maximumf %v, %zero : f32
    qfhe.yield %r : f32
  }
  %w2i = arith.constant dense<[[127], [-127]]> : tensor<2x1xi8>
  %w2 = quant.scast %w2i : tensor<2x1xi8> to tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.0078740157186985015>>
  %3 = qfhe.matmul %2, %w2 : tensor<?x2x!quant.uniform<i8:f32, 0.015533571131527424:-128>>, tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.0078740157186985015>> -> tensor<?x1x!quant.uniform<i32:f32, 1.223115832571682E-4>>
  %4 = qfhe.requantize %3 : tensor<?x1x!quant.uniform<i32:f32, 1.223115832571682E-4>> -> tensor<?x1x!quant.uniform<i8:f32, 0.021339582279324532:-59>>
  %5 = qfhe.dequantize %4 : tensor<?x1x!quant.uniform<i8:f32, 0.021339582279324532:-59>> -> tensor<?x1xf32>
  return %5 : tensor<?x1xf32>
}
