// RUN: quant-opt %s --split-input-file --qfhe-import-quantization --verify-diagnostics

// What qfhe-import-quantization refuses, and why: the user's program must
// state an exact integer meaning for everything between its quantizations.

!qx = !quant.uniform<u8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qbad = !quant.uniform<i32:f32, 0.25>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

func.func @float_weights(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %w = arith.constant dense<0.5> : tensor<3x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  // expected-error @below {{cannot import 'linalg.matmul': its weights are float; quantize them (DequantizeLinear of integer weights)}}
  %m = linalg.matmul ins(%xd, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %yq = quant.qcast %m : tensor<4x2xf32> to tensor<4x2x!qy>
  %y = quant.dcast %yq : tensor<4x2x!qy> to tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qy = !quant.uniform<u8:f32, 0.75>
func.func @encrypted_product(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %q = quant.qcast %x : tensor<3x3xf32> to tensor<3x3x!qx>
  %xd = quant.dcast %q : tensor<3x3x!qx> to tensor<3x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3x3xf32>) -> tensor<3x3xf32>
  // expected-error @below {{cannot import 'linalg.matmul': its weights are not constant (products of two encrypted tensors are not supported)}}
  %m = linalg.matmul ins(%xd, %xd : tensor<3x3xf32>, tensor<3x3xf32>) outs(%f : tensor<3x3xf32>) -> tensor<3x3xf32>
  %yq = quant.qcast %m : tensor<3x3xf32> to tensor<3x3x!qy>
  %y = quant.dcast %yq : tensor<3x3x!qy> to tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qbad = !quant.uniform<i32:f32, 0.25>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_scale(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw>
  %w = quant.dcast %wq : tensor<3x2x!qw> to tensor<3x2xf32>
  %bi = arith.constant dense<[7, -9]> : tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!qbad>
  %b = quant.dcast %bq : tensor<2x!qbad> to tensor<2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%xd, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  // expected-error @below {{cannot import the bias add: the bias of channel 0 has scale 0.25 and zero point 0 but the accumulator's scale is 0.125 (zero point 0; float32 rounding allows 2^-23)}}
  %a = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<4x2xf32>, tensor<2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %yq = quant.qcast %a : tensor<4x2xf32> to tensor<4x2x!qy>
  %y = quant.dcast %yq : tensor<4x2x!qy> to tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
// expected-error @below {{argument #0 has type 'tensor<4x!quant.uniform<u8:f32, 5.000000e-01>>': the client quantizes float arguments (quant.qcast in the program), so that results and data stay float}}
func.func @quantized_argument(%q: tensor<4x!qx>) -> tensor<4xf32> {
  %xd = quant.dcast %q : tensor<4x!qx> to tensor<4xf32>
  return %xd : tensor<4xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
#id = affine_map<(d0, d1) -> (d0, d1)>
// The product of two quantized tensors read by a concatenation (not
// quantized first, not client code): float arithmetic with no integer form.
func.func @two_quantized_operands(%x: tensor<4x3xf32>, %x2: tensor<4x3xf32>) -> tensor<8x3xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %q2 = quant.qcast %x2 : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd2 = quant.dcast %q2 : tensor<4x3x!qx> to tensor<4x3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  // expected-error @below {{'linalg.generic' computes in float on quantized values between the user's quantizations; it has no exact integer form (quantize its result with a QuantizeLinear, or keep it after the last DequantizeLinear)}}
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%xd, %xd2 : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.mulf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  %r = tensor.concat dim(0) %m, %m : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<8x3xf32>
  return %r : tensor<8x3xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qc = !quant.uniform<u8:f32:1, {0.5, 0.25, 0.125}>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
// A table of pairs takes operands quantized per tensor.
func.func @pair_per_axis(%x: tensor<4x3xf32>, %x2: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %q2 = quant.qcast %x2 : tensor<4x3xf32> to tensor<4x3x!qc>
  %xd2 = quant.dcast %q2 : tensor<4x3x!qc> to tensor<4x3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%xd, %xd2 : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  // expected-error @below {{cannot import the float arithmetic of two quantized tensors this quantization reads: its operands and result must be quantized per tensor (one table of pairs)}}
  %yq = quant.qcast %m : tensor<4x3xf32> to tensor<4x3x!qy>
  %y = quant.dcast %yq : tensor<4x3x!qy> to tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// A sum scaled per channel after it: a table of pairs has one function.
func.func @pair_per_channel_link(%x: tensor<4x3xf32>, %x2: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %q2 = quant.qcast %x2 : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd2 = quant.dcast %q2 : tensor<4x3x!qx> to tensor<4x3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%xd, %xd2 : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  %k = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %k : tensor<4x3xf32>, tensor<3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%i: f32, %c: f32, %o: f32):
    %s = arith.mulf %i, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32>
  // expected-error @below {{cannot import the float arithmetic of two quantized tensors this quantization reads: the float arithmetic after it differs per channel}}
  %yq = quant.qcast %scaled : tensor<4x3xf32> to tensor<4x3x!qy>
  %y = quant.dcast %yq : tensor<4x3x!qy> to tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qx1 = !quant.uniform<u8:f32, 1.0:3>

// Integers read at other scales keep their meaning only with the same zero
// point: a reinterpretation that moves it has no exact integer form.
func.func @reinterpreted_zero_point(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %i = quant.scast %q : tensor<4x3x!qx> to tensor<4x3xi8>
  // expected-error @below {{cannot import: these integers have type 'tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01>>' in the program but are declared 'tensor<4x3x!quant.uniform<u8:f32, 1.000000e+00:3>>'}}
  %r = quant.scast %i : tensor<4x3xi8> to tensor<4x3x!qx1>
  %y = quant.dcast %r : tensor<4x3x!qx1> to tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
