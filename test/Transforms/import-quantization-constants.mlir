// RUN: quant-opt %s --qfhe-import-quantization | FileCheck %s
// RUN: quant-opt %s --qfhe-import-quantization -o %t.imported.mlir
// RUN: quant-opt %t.imported.mlir --qfhe-lower-to-integer=allow-rounding=false -o %t.integer.mlir
// RUN: quant-opt %t.integer.mlir --qfhe-verify-bitwidth=max-bit-width=8

// Elementwise arithmetic of a dequantized activation and a dequantized
// quantized constant (ONNX Runtime's QDQ for an Add or a Mul by a constant)
// is univariate: the constant becomes the float32 values its
// DequantizeLinear computes, per channel where it varies along one, and
// the arithmetic a table. The program as written, as imported and as
// lowered to integers compute the same outputs, bit for bit.
// RUN: quant-run %s --data %S/Inputs/mlp3_x.npy -o %t.user.0.npy -o %t.user.1.npy
// RUN: quant-run %t.imported.mlir --data %S/Inputs/mlp3_x.npy -o %t.imported.0.npy -o %t.imported.1.npy
// RUN: quant-run %t.integer.mlir --data %S/Inputs/mlp3_x.npy -o %t.integer.0.npy -o %t.integer.1.npy
// RUN: cmp %t.user.0.npy %t.imported.0.npy
// RUN: cmp %t.user.1.npy %t.imported.1.npy
// RUN: cmp %t.user.0.npy %t.integer.0.npy
// RUN: cmp %t.user.1.npy %t.integer.1.npy

// CHECK-LABEL: func.func @constants
// CHECK: %[[Q:.*]] = qfhe.quantize
// CHECK: qfhe.apply %[[Q]] {channel_axis = 1 : i64}
// CHECK: arith.constant dense<[3.500000e-01, -3.750000e-01, 6.000000e-01]> : tensor<3xf32>
// CHECK: arith.addf
// CHECK: qfhe.apply %[[Q]] :
// CHECK: arith.constant 1.43999994 : f32
// CHECK: arith.mulf
// CHECK-NOT: quant.dcast
!qx = !quant.uniform<u8<0:15>:f32, 0.1>
!qc = !quant.uniform<i8:f32:0, {0.05, 0.125, 0.3}>
!qk = !quant.uniform<u8:f32, 0.02:128>
!qy = !quant.uniform<i8:f32, 0.07>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#none = affine_map<(d0, d1) -> ()>
func.func @constants(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %q = quant.qcast %x : tensor<?x3xf32> to tensor<?x3x!qx>
  %xd = quant.dcast %q : tensor<?x3x!qx> to tensor<?x3xf32>
  %ci = arith.constant dense<[7, -3, 2]> : tensor<3xi8>
  %cq = quant.scast %ci : tensor<3xi8> to tensor<3x!qc>
  %c = quant.dcast %cq : tensor<3x!qc> to tensor<3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %s = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xd, %c : tensor<?x3xf32>, tensor<3xf32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %r = arith.addf %u, %v : f32
    linalg.yield %r : f32
  } -> tensor<?x3xf32>
  %sq = quant.qcast %s : tensor<?x3xf32> to tensor<?x3x!qy>
  %sd = quant.dcast %sq : tensor<?x3x!qy> to tensor<?x3xf32>
  %ki = arith.constant dense<-56> : tensor<i8>
  %kq = quant.scast %ki : tensor<i8> to tensor<!qk>
  %k = quant.dcast %kq : tensor<!qk> to tensor<f32>
  %m = linalg.generic {indexing_maps = [#id, #none, #id], iterator_types = ["parallel", "parallel"]} ins(%xd, %k : tensor<?x3xf32>, tensor<f32>) outs(%e : tensor<?x3xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %r = arith.mulf %u, %v : f32
    linalg.yield %r : f32
  } -> tensor<?x3xf32>
  %mq = quant.qcast %m : tensor<?x3xf32> to tensor<?x3x!qy>
  %md = quant.dcast %mq : tensor<?x3x!qy> to tensor<?x3xf32>
  return %sd, %md : tensor<?x3xf32>, tensor<?x3xf32>
}
