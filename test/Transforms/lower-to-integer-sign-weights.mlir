// Weights whose integers are all -1 or 0 fit one signed bit, but linalg's
// named contractions read i1 operands as booleans (and/or): the integer
// program stores them in 2 bits, and it computes what the quantized program
// computes. (Rounding under a tight budget gives such layers.)
// RUN: quant-opt %s --qfhe-quantize --qfhe-lower-to-integer --canonicalize -o %t.integer.mlir
// RUN: FileCheck %s < %t.integer.mlir
// RUN: quant-opt %s --qfhe-quantize -o %t.quantized.mlir
// RUN: quant-run %t.quantized.mlir --data %S/Inputs/mlp3_x.npy -o %t.quantized.npy
// RUN: quant-run %t.integer.mlir --data %S/Inputs/mlp3_x.npy -o %t.integer.npy
// RUN: cmp %t.quantized.npy %t.integer.npy

// CHECK-LABEL: func @layer(
// CHECK: linalg.matmul ins({{.*}} : tensor<?x3xi3>, tensor<3x2xi2>)

func.func @layer(%x: tensor<?x3xf32> {qfhe.range = array<f64: -1.0, 1.0>}) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[-0.5, 0.0], [0.0, -0.25], [-0.5, -0.25]]> : tensor<3x2xf32>
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %empty = tensor.empty(%n) : tensor<?x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 3, weight_bits = 8, weight_l1 = 2, per_channel = true, rounding = nearest>}
      ins(%x, %w : tensor<?x3xf32>, tensor<3x2xf32>) outs(%init : tensor<?x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
