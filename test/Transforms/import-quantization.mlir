// RUN: quant-opt %s --split-input-file --qfhe-import-quantization | FileCheck %s
// RUN: quant-opt %s --split-input-file --qfhe-import-quantization | quant-opt --split-input-file --qfhe-lower-to-integer=allow-rounding=false | quant-opt --split-input-file --qfhe-verify-bitwidth=max-bit-width=16

// The user's quantization, taken as given: QDQ pairs (quant.qcast /
// quant.dcast) around float ops become the typed quantized level with the
// user's scales, zero points, storage bounds and integers.

!qx = !quant.uniform<u8<0:15>:f32, 0.5>
!qw = !quant.uniform<i8:f32:1, {0.25, 0.125}>
!qy = !quant.uniform<i8:f32, 0.75:-3>
// A matmul of dequantized values is the exact accumulation at the product of
// the scales (per axis); the quantization after it requantizes with ONNX's
// rounding; the input's quantization runs on the client.
// CHECK-LABEL: func.func @dense
// CHECK: %[[X:.*]] = qfhe.quantize %{{.*}} : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<u8<0:15>:f32, 5.000000e-01>>
// CHECK: %[[W:.*]] = quant.scast %{{.*}} : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01}>>
// CHECK: %[[ACC:.*]] = qfhe.matmul %[[X]], %[[W]] : {{.*}} -> tensor<4x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK: %[[Y:.*]] = qfhe.requantize %[[ACC]] {rounding = #qfhe.rounding<float_half_even>} : {{.*}} -> tensor<4x2x!quant.uniform<i8:f32, 7.500000e-01:-3>>
// CHECK: %[[F:.*]] = qfhe.dequantize %[[Y]]
// CHECK: return %[[F]]
// CHECK-NOT: quant.qcast
// CHECK-NOT: quant.dcast
func.func @dense(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw>
  %w = quant.dcast %wq : tensor<3x2x!qw> to tensor<3x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%xd, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %yq = quant.qcast %m : tensor<4x2xf32> to tensor<4x2x!qy>
  %y = quant.dcast %yq : tensor<4x2x!qy> to tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// A bias quantized at the accumulator's scale joins the accumulation; a Relu
// before the quantization is the requantization's saturation at zero point 0.
// CHECK-LABEL: func.func @bias_relu
// CHECK: %[[B:.*]] = quant.scast %{{.*}} : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK: %[[ACC:.*]] = qfhe.matmul %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<4x2x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK: qfhe.requantize %[[ACC]] {rounding = #qfhe.rounding<float_half_even>} : {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 7.500000e-01>>
// CHECK-NOT: linalg.generic
func.func @bias_relu(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %xd = quant.dcast %q : tensor<4x3x!qx> to tensor<4x3xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw>
  %w = quant.dcast %wq : tensor<3x2x!qw> to tensor<3x2xf32>
  %bi = arith.constant dense<[7, -9]> : tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %b = quant.dcast %bq : tensor<2x!qb> to tensor<2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%xd, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<4x2xf32>, tensor<2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%i: f32, %o: f32):
    %s = arith.maximumf %i, %z : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  %yq = quant.qcast %r : tensor<4x2xf32> to tensor<4x2x!qy>
  %y = quant.dcast %yq : tensor<4x2x!qy> to tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qn = !quant.uniform<u8<0:15>:f32, 0.5>
!qy = !quant.uniform<i8:f32, 0.25:-1>
#id = affine_map<(d0) -> (d0)>
// A quantization into the same parameters with narrower storage bounds (a
// Clip after QuantizeLinear) narrows the client's quantization: 4-bit values
// in uint8 storage. Float arithmetic between a dequantization and a
// quantization is a table of exactly that arithmetic.
// CHECK-LABEL: func.func @clip_and_table
// CHECK: %[[X:.*]] = qfhe.quantize %{{.*}} : tensor<4xf32> -> tensor<4x!quant.uniform<u8<0:15>:f32, 5.000000e-01>>
// CHECK: qfhe.apply %[[X]] : tensor<4x!quant.uniform<u8<0:15>:f32, 5.000000e-01>> -> tensor<4x!quant.uniform<i8:f32, 2.500000e-01:-1>>
// CHECK: math.tanh
// CHECK-NOT: quant.qcast
func.func @clip_and_table(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!qx>
  %d = quant.dcast %q : tensor<4x!qx> to tensor<4xf32>
  %n = quant.qcast %d : tensor<4xf32> to tensor<4x!qn>
  %nd = quant.dcast %n : tensor<4x!qn> to tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%nd : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%i: f32, %o: f32):
    %s = math.tanh %i : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %yq = quant.qcast %t : tensor<4xf32> to tensor<4x!qy>
  %y = quant.dcast %yq : tensor<4x!qy> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qx1 = !quant.uniform<u8:f32, 1.0>
!qw1 = !quant.uniform<i8:f32, 1.0>
!qacc = !quant.uniform<i32:f32, 1.0>
!qy = !quant.uniform<u8:f32, 0.75>

// ONNX MatMulInteger as the importer writes it: the integers of a
// QuantizeLinear read at scale 1 (the same integers, the same zero point).
// The reinterpretation stays a pair of quant.scast through the storage type;
// the integer program is unchanged.
// CHECK-LABEL: func.func @reinterpreted
// CHECK: %[[X:.*]] = qfhe.quantize %{{.*}} : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01>>
// CHECK: %[[I:.*]] = quant.scast %[[X]] : tensor<4x3x!quant.uniform<u8:f32, 5.000000e-01>> to tensor<4x3xi8>
// CHECK: %[[R:.*]] = quant.scast %[[I]] : tensor<4x3xi8> to tensor<4x3x!quant.uniform<u8:f32, 1.000000e+00>>
// CHECK: qfhe.matmul %[[R]], %{{.*}} : tensor<4x3x!quant.uniform<u8:f32, 1.000000e+00>>, tensor<3x2x!quant.uniform<i8:f32, 1.000000e+00>> -> tensor<4x2x!quant.uniform<i32:f32, 1.000000e+00>>
func.func @reinterpreted(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %q = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qx>
  %i = quant.scast %q : tensor<4x3x!qx> to tensor<4x3xi8>
  %r = quant.scast %i : tensor<4x3xi8> to tensor<4x3x!qx1>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
  %w = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw1>
  %m = qfhe.matmul %r, %w : tensor<4x3x!qx1>, tensor<3x2x!qw1> -> tensor<4x2x!qacc>
  %f = quant.dcast %m : tensor<4x2x!qacc> to tensor<4x2xf32>
  %yq = quant.qcast %f : tensor<4x2xf32> to tensor<4x2x!qy>
  %y = quant.dcast %yq : tensor<4x2x!qy> to tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

!qx = !quant.uniform<u8:f32, 0.5>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qy = !quant.uniform<u8:f32, 0.75>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// A dynamic batch: the shape of the accumulator is read (tensor.dim)
// after its bias add folded it into a new matmul; it reads the new one
// (it read the erased one before).
// CHECK-LABEL: func.func @bias_dim
// CHECK: %[[ACC:.*]] = qfhe.matmul %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: qfhe.requantize %[[ACC]]
func.func @bias_dim(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %q = quant.qcast %x : tensor<?x3xf32> to tensor<?x3x!qx>
  %xd = quant.dcast %q : tensor<?x3x!qx> to tensor<?x3xf32>
  %wi = arith.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
  %wq = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!qw>
  %w = quant.dcast %wq : tensor<3x2x!qw> to tensor<3x2xf32>
  %bi = arith.constant dense<[7, -9]> : tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!qb>
  %b = quant.dcast %bq : tensor<2x!qb> to tensor<2xf32>
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %m = linalg.matmul ins(%xd, %w : tensor<?x3xf32>, tensor<3x2xf32>) outs(%f : tensor<?x2xf32>) -> tensor<?x2xf32>
  %n2 = tensor.dim %m, %c0 : tensor<?x2xf32>
  %e2 = tensor.empty(%n2) : tensor<?x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<?x2xf32>, tensor<2xf32>) outs(%e2 : tensor<?x2xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<?x2xf32>
  %yq = quant.qcast %a : tensor<?x2xf32> to tensor<?x2x!qy>
  %y = quant.dcast %yq : tensor<?x2x!qy> to tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

!qa = !quant.uniform<u8<0:15>:f32, 0.1>
!qb = !quant.uniform<i8<-8:7>:f32, 0.2:-1>
!qs = !quant.uniform<u8<0:15>:f32, 0.2>
!qd = !quant.uniform<i8:f32, 0.05>
#id = affine_map<(d0, d1) -> (d0, d1)>

// Float arithmetic of two dequantized activations, quantized again (the
// residual sum of a ResNet block as ONNX Runtime's QDQ writes it, here
// with a Relu after the sum; and a difference): a table of pairs holding
// exactly that float32 arithmetic. Its operands stay encrypted.
// CHECK-LABEL: func.func @residual
// CHECK: %[[A:.*]] = qfhe.quantize %{{.*}} -> tensor<4x3x!quant.uniform<u8<0:15>:f32, 1.000000e-01>>
// CHECK: %[[B:.*]] = qfhe.quantize %{{.*}} -> tensor<4x3x!quant.uniform<i8<-8:7>:f32, 2.000000e-01:-1>>
// CHECK: %[[S:.*]] = qfhe.apply_pair %[[A]], %[[B]] : {{.*}} -> tensor<4x3x!quant.uniform<u8<0:15>:f32, 2.000000e-01>> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK: arith.maximumf %[[SUM]]
// CHECK: qfhe.yield
// CHECK: qfhe.dequantize %[[S]]
// CHECK: %[[D:.*]] = qfhe.apply_pair %[[B]], %[[A]] : {{.*}} -> tensor<4x3x!quant.uniform<i8:f32, 5.000000e-02>> {
// CHECK: arith.subf
// CHECK: qfhe.dequantize %[[D]]
// CHECK-NOT: linalg.generic
func.func @residual(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %qa = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qa>
  %a = quant.dcast %qa : tensor<4x3x!qa> to tensor<4x3xf32>
  %qb = quant.qcast %y : tensor<4x3xf32> to tensor<4x3x!qb>
  %b = quant.dcast %qb : tensor<4x3x!qb> to tensor<4x3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %r = arith.addf %u, %v : f32
    linalg.yield %r : f32
  } -> tensor<4x3xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%u: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %u, %z : f32
    linalg.yield %r : f32
  } -> tensor<4x3xf32>
  %qs = quant.qcast %relu : tensor<4x3xf32> to tensor<4x3x!qs>
  %s = quant.dcast %qs : tensor<4x3x!qs> to tensor<4x3xf32>
  %diff = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b, %a : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %r = arith.subf %u, %v : f32
    linalg.yield %r : f32
  } -> tensor<4x3xf32>
  %qd = quant.qcast %diff : tensor<4x3xf32> to tensor<4x3x!qd>
  %d = quant.dcast %qd : tensor<4x3x!qd> to tensor<4x3xf32>
  return %s, %d : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

!qa = !quant.uniform<u8<0:15>:f32, 0.1>
!qb = !quant.uniform<i8<-8:7>:f32, 0.2:-1>
#id = affine_map<(d0, d1) -> (d0, d1)>

// The same sum returned without a quantization: the client adds the two
// decrypted tensors.
// CHECK-LABEL: func.func @client_sum
// CHECK: %[[A:.*]] = qfhe.dequantize %{{.*}} : tensor<4x3x!quant.uniform<u8<0:15>
// CHECK: %[[B:.*]] = qfhe.dequantize %{{.*}} : tensor<4x3x!quant.uniform<i8<-8:7>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<4x3xf32>, tensor<4x3xf32>)
// CHECK: arith.addf
func.func @client_sum(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %qa = quant.qcast %x : tensor<4x3xf32> to tensor<4x3x!qa>
  %a = quant.dcast %qa : tensor<4x3x!qa> to tensor<4x3xf32>
  %qb = quant.qcast %y : tensor<4x3xf32> to tensor<4x3x!qb>
  %b = quant.dcast %qb : tensor<4x3x!qb> to tensor<4x3xf32>
  %e = tensor.empty() : tensor<4x3xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x3xf32>, tensor<4x3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%u: f32, %v: f32, %o: f32):
    %r = arith.addf %u, %v : f32
    linalg.yield %r : f32
  } -> tensor<4x3xf32>
  return %sum : tensor<4x3xf32>
}
