// Chunked dot products, from the allocation to the verified circuit: under
// a 5-bit cap, 2-bit inputs leave each of 4 parts an l1 budget of
// (32 - 2*4 - 2) / 3 = 7; each part's 5-bit accumulator drops 2 bits and
// the 4 parts add up within 5 bits. The allocation's choice for the layer
// (one part: its estimate is close either way) is replaced by 4 parts.
// RUN: quant-opt %S/Inputs/dense16.mlir --qfhe-allocate-bits="max-bit-width=5" -o %t.allocated.mlir
// RUN: sed -E 's/(qfhe.allocation = #qfhe.allocation<input_bits = 2[^>]*weight_l1 = )[0-9]+([^>]*)>/\17\2, chunks = 4>/' \
// RUN:   %t.allocated.mlir > %t.chunked.mlir
// RUN: quant-opt %t.chunked.mlir --qfhe-quantize -o %t.quantized.mlir
// RUN: FileCheck %s --check-prefix=QUANTIZED < %t.quantized.mlir
// RUN: quant-opt %t.quantized.mlir --qfhe-lower-to-integer --canonicalize -o %t.integer.mlir
// RUN: FileCheck %s < %t.integer.mlir
// RUN: quant-opt %t.integer.mlir --qfhe-verify-bitwidth="max-bit-width=5 report=-" -o /dev/null \
// RUN: | FileCheck %s --check-prefix=REPORT

// The integer program computes what the quantized program (whose matmul
// states the parts' rounding) computes, bit for bit.
// RUN: quant-run %t.quantized.mlir --data %S/Inputs/dense16_x.npy -o %t.quantized.npy
// RUN: quant-run %t.integer.mlir --data %S/Inputs/dense16_x.npy -o %t.integer.npy
// RUN: cmp %t.quantized.npy %t.integer.npy

// QUANTIZED: qfhe.matmul {{.*}}chunks = 4 : i64{{.*}} : tensor<?x16x!quant.uniform<i2:f32, {{.*}}>>, tensor<16x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>> -> tensor<?x2x!quant.uniform<i32:f32:1, {{.*}}>>

// CHECK-LABEL: func @dense16
// CHECK: %[[X:.*]] = quant.scast {{.*}} : tensor<?x16x!quant.uniform<i2:f32, {{.*}}>> to tensor<?x16xi2>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[X]][0, 0] [%{{.*}}, 4] [1, 1]
// CHECK: %[[A0:.*]] = linalg.matmul ins(%[[S0]], %{{.*}} : tensor<?x4xi2>, tensor<4x2xi{{[0-9]}}>) outs(%{{.*}} : tensor<?x2xi5>)
// CHECK: %[[R0:.*]] = qfhe.round %[[A0]] drop 2 : tensor<?x2xi5> -> tensor<?x2xi5>
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[X]][0, 4] [%{{.*}}, 4] [1, 1]
// CHECK: %[[A1:.*]] = linalg.matmul ins(%[[S1]],
// CHECK: %[[R1:.*]] = qfhe.round %[[A1]] drop 2
// CHECK: %[[P1:.*]] = linalg.add ins(%[[R0]], %[[R1]] : tensor<?x2xi5>, tensor<?x2xi5>)
// CHECK: tensor.extract_slice %[[X]][0, 8]
// CHECK: %[[P2:.*]] = linalg.add ins(%[[P1]],
// CHECK: tensor.extract_slice %[[X]][0, 12]
// CHECK: %[[P3:.*]] = linalg.add ins(%[[P2]],
// CHECK: qfhe.lut %[[P3]] {axis = 1 : i64
// CHECK-NOT: {{: f32|xf32}}
// CHECK: qfhe.dequantize

// REPORT: "lookups": {
// REPORT-NEXT: "ops": 1,
// REPORT-NEXT: "per_sample": 2,
// REPORT: "roundings": {
// REPORT-NEXT: "ops": 4,
// REPORT-NEXT: "per_sample": 8,
// REPORT: "widest": {
// REPORT-NEXT: "bits": 5,

// The digits CNN under an 8-bit cap: its second convolution (over 8 input
// channels) and its dense layer are split; the integer program matches the
// quantized program on the whole test split.
// RUN: quant-translate --import-onnx %models/digits_cnn/model.onnx -o %t.cnn.mlir
// RUN: quant-run calibrate %t.cnn.mlir --data %models/digits_cnn/calib_x.npy -o %t.cnn.cal.mlir
// RUN: quant-opt %t.cnn.cal.mlir --qfhe-normalize --qfhe-infer-ranges=use-observed \
// RUN:   --qfhe-allocate-bits="max-bit-width=8" --qfhe-quantize=use-observed --qfhe-fuse-univariate \
// RUN:   -o %t.cnn.quantized.mlir
// RUN: FileCheck %s --check-prefix=CNN < %t.cnn.quantized.mlir
// RUN: quant-opt %t.cnn.quantized.mlir --qfhe-lower-to-integer -o %t.cnn.integer.mlir
// RUN: quant-opt %t.cnn.integer.mlir --qfhe-verify-bitwidth="max-bit-width=8" -o /dev/null
// RUN: quant-run %t.cnn.quantized.mlir --data %models/digits_cnn/test_x.npy -o %t.cnn.quantized.npy
// RUN: quant-run %t.cnn.integer.mlir --data %models/digits_cnn/test_x.npy -o %t.cnn.integer.npy
// RUN: cmp %t.cnn.quantized.npy %t.cnn.integer.npy
// CNN: qfhe.conv2d
// CNN-NOT: chunks
// CNN: qfhe.conv2d {{.*}}chunks = {{[248]}} : i64
// CNN: qfhe.matmul {{.*}}chunks = {{[248]}} : i64
