// RUN: quant-opt %s --qfhe-to-linalg --split-input-file | FileCheck %s

// Signatures, calls, constants and tensor ops on si/ui types become signless.
// CHECK-LABEL: func @callee
// CHECK-SAME: (%{{.*}}: tensor<2x2xi8>) -> tensor<4xi8>
func.func @callee(%x: tensor<2x2xui8>) -> tensor<4xui8> {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x2xi8> into tensor<4xi8>
  %c = tensor.collapse_shape %x [[0, 1]] : tensor<2x2xui8> into tensor<4xui8>
  return %c : tensor<4xui8>
}

// CHECK-LABEL: func @caller
// CHECK-SAME: -> tensor<4xi8>
func.func @caller() -> tensor<4xui8> {
  // CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[1, -56], [3, -1]]> : tensor<2x2xi8>
  %c = arith.constant dense<[[1, 200], [3, 255]]> : tensor<2x2xui8>
  // CHECK: call @callee(%[[C]]) : (tensor<2x2xi8>) -> tensor<4xi8>
  %r = func.call @callee(%c) : (tensor<2x2xui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// Ops with regions keep their bodies, with converted block arguments.
// CHECK-LABEL: func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xi4>) outs(%{{.*}} : tensor<3x2xi4>) permutation = [1, 0]
func.func @transpose(%x: tensor<2x3xsi4>) -> tensor<3x2xsi4> {
  %e = tensor.empty() : tensor<3x2xsi4>
  %t = linalg.transpose ins(%x : tensor<2x3xsi4>) outs(%e : tensor<3x2xsi4>) permutation = [1, 0]
  return %t : tensor<3x2xsi4>
}

// -----

// Signless integer programs are left alone.
// CHECK-LABEL: func @signless
// CHECK-SAME: (%{{.*}}: tensor<3xi7>) -> tensor<3xi7>
func.func @signless(%x: tensor<3xi7>) -> tensor<3xi7> {
  return %x : tensor<3xi7>
}

// -----

// The integer program's storage casts (si8 to i8) become same-type bitcasts
// once everything is signless: they are dropped (upstream bufferization
// rejects them); bitcasts that still change the type stay.
// CHECK-LABEL: func @storage_casts
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
func.func @storage_casts(%x: tensor<4xsi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  // CHECK-NOT: tensor.bitcast %[[X]] : tensor<4xi8> to tensor<4xi8>
  %s = tensor.bitcast %x : tensor<4xsi8> to tensor<4xi8>
  %t = tensor.bitcast %s : tensor<4xi8> to tensor<4xi8>
  // CHECK: return %[[X]], %[[X]]
  return %s, %t : tensor<4xi8>, tensor<4xi8>
}

// CHECK-LABEL: func @real_cast
// CHECK: tensor.bitcast %{{.*}} : tensor<4xi8> to tensor<4xf8E4M3FN>
func.func @real_cast(%x: tensor<4xsi8>) -> tensor<4xf8E4M3FN> {
  %r = tensor.bitcast %x : tensor<4xsi8> to tensor<4xf8E4M3FN>
  return %r : tensor<4xf8E4M3FN>
}
