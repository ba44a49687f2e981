// Weights rounded against the second moments of their inputs
// (qfhe.input_gram, docs/attributes.md). The two inputs are always equal,
// so the output reads 0.6 + 0.2 = 0.8 times the input. Under an l1 budget
// of 1 the integers are [1, 0] either way; refitted by the inputs' mean
// squares alone (the default) the scale is 0.6, the first weight's,
// and the output reads 0.6; refitted against the Gram matrix
// (gram-rounding=true, or the allocation's rounding = gram) it is 0.8,
// and the output reads what the float layer computes. The Gram matrix is
// averaged over rows enough that its correlation stands (it shrinks by
// K / (K + rows)).
// RUN: quant-opt %s --qfhe-quantize="gram-rounding=true" | FileCheck %s --check-prefix=GRAM
// RUN: sed -e 's/rounding = weighted/rounding = gram/' %s | quant-opt --qfhe-quantize | FileCheck %s --check-prefix=GRAM
// RUN: quant-opt %s --qfhe-quantize | FileCheck %s --check-prefix=DIAGONAL
// Few rows: the correlation shrinks by 2 / (2 + 2) to half, and the refit
// scale is 0.6 + 0.2 / 2 = 0.7.
// RUN: sed -e 's/rows = 100000000/rows = 2/' %s | quant-opt --qfhe-quantize="gram-rounding=true" | FileCheck %s --check-prefix=FEW

// GRAM-LABEL: func @layer(
// GRAM: arith.constant dense<{{\[\[}}1], [0]]> : tensor<2x1xi8>
// GRAM: qfhe.matmul {{.*}}, tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.80000001192092896>>

// FEW-LABEL: func @layer(
// FEW: qfhe.matmul {{.*}}, tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.{{69|70}}{{[0-9]*}}>>

// DIAGONAL-LABEL: func @layer(
// DIAGONAL: arith.constant dense<{{\[\[}}1], [0]]> : tensor<2x1xi8>
// DIAGONAL: qfhe.matmul {{.*}}, tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.60000002384185791>>

func.func @layer(%x: tensor<?x2xf32> {qfhe.range = array<f64: 0.0, 1.0>}) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.6], [0.2]]> : tensor<2x1xf32>
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %empty = tensor.empty(%n) : tensor<?x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x1xf32>) -> tensor<?x1xf32>
  %y = linalg.matmul {qfhe.allocation = #qfhe.allocation<input_bits = 2, weight_bits = 8, weight_l1 = 1, per_channel = true, rounding = weighted>,
                      qfhe.input_gram = {rows = 100000000 : i64, second_moments = dense<[[0.5, 0.5], [0.5, 0.5]]> : tensor<2x2xf32>}}
      ins(%x, %w : tensor<?x2xf32>, tensor<2x1xf32>) outs(%init : tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
