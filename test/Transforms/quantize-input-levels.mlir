// Inputs of fewer levels than their bits hold (`input_levels` in a layer's
// allocation), from the allocation to the verified circuit. Under a 6-bit
// cap, the first layer of mlp3 reads 3-bit inputs of 6 levels, an l1 budget
// of 63 / 5 = 12 in place of 63 / 7 = 9; the second reads the lookup's
// 4-bit output of 12 levels, a budget of 63 / 11 = 5 in place of 63 / 15 =
// 4. The client's quantize and the lookup take the narrowed storage ranges,
// the verifier proves the 6 bits, and the integer program computes what the
// quantized program computes.
// RUN: quant-opt %S/Inputs/mlp3.mlir --qfhe-allocate-bits="max-bit-width=6" -o %t.allocated.mlir
// RUN: sed -E -e 's/(qfhe.allocation = #qfhe.allocation<)input_bits = 3(.*)weight_l1 = 9/\1input_bits = 3, input_levels = 6\2weight_l1 = 12/' \
// RUN:   -e 's/(qfhe.allocation = #qfhe.allocation<)input_bits = 5(.*)weight_l1 = 2/\1input_bits = 4, input_levels = 12\2weight_l1 = 5/' \
// RUN:   %t.allocated.mlir > %t.levels.mlir
// RUN: quant-opt %t.levels.mlir --qfhe-quantize -o %t.quantized.mlir
// RUN: FileCheck %s --check-prefix=QUANTIZED < %t.quantized.mlir
// RUN: quant-opt %t.quantized.mlir --qfhe-lower-to-integer --canonicalize -o %t.integer.mlir
// RUN: FileCheck %s < %t.integer.mlir
// RUN: quant-opt %t.integer.mlir --qfhe-verify-bitwidth="max-bit-width=6 report=-" -o /dev/null \
// RUN: | FileCheck %s --check-prefix=REPORT
// RUN: quant-run %t.quantized.mlir --data %S/Inputs/mlp3_x.npy -o %t.quantized.npy
// RUN: quant-run %t.integer.mlir --data %S/Inputs/mlp3_x.npy -o %t.integer.npy
// RUN: cmp %t.quantized.npy %t.integer.npy

// The allocation without levels keeps the whole storage range.
// RUN: quant-opt %t.allocated.mlir --qfhe-quantize | FileCheck %s --check-prefix=ALL

// QUANTIZED-LABEL: func @mlp(
// QUANTIZED: qfhe.quantize {{.*}} -> tensor<?x3x!quant.uniform<i3<-3:2>:f32, {{.*}}>>
// QUANTIZED: qfhe.matmul {{.*}} : tensor<?x3x!quant.uniform<i3<-3:2>:f32, {{.*}}>>, tensor<3x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>
// QUANTIZED: qfhe.apply {{.*}} -> tensor<?x2x!quant.uniform<i4<-6:5>:f32, {{.*}}>>
// QUANTIZED: qfhe.matmul {{.*}} : tensor<?x2x!quant.uniform<i4<-6:5>:f32, {{.*}}>>

// CHECK-LABEL: func @mlp(
// CHECK: quant.scast {{.*}} : tensor<?x3x!quant.uniform<i3<-3:2>:f32, {{.*}}>> to tensor<?x3xi3>
// CHECK: linalg.matmul ins({{.*}} : tensor<?x3xi3>, tensor<3x2xi{{[0-9]+}}>) outs({{.*}} : tensor<?x2xi6>)
// CHECK: qfhe.lut {{.*}} : tensor<?x2xi6> -> tensor<?x2xi4>
// CHECK: linalg.matmul ins({{.*}} : tensor<?x2xi4>, tensor<2x1xi{{[0-9]+}}>) outs({{.*}} : tensor<?x1xi6>)

// REPORT: "widest": {
// REPORT-NEXT: "bits": 6,

// ALL-LABEL: func @mlp(
// ALL: qfhe.quantize {{.*}} -> tensor<?x3x!quant.uniform<i3:f32, {{.*}}>>
// ALL: qfhe.apply {{.*}} -> tensor<?x2x!quant.uniform<i5:f32, {{.*}}>>
