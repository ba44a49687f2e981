// RUN: quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=6" --verify-diagnostics -o /dev/null
// RUN: not quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=6 report=-" -o /dev/null 2>/dev/null | FileCheck %s

// Programs at the edges of what the verifier reads (found by review), each
// proven with its true range or rejected; before, each was proven with a
// range its values leave, or crashed the verifier. Integer arguments are
// encrypted, in their declared range or their type's.

// A max over an empty dimension is its init, -30: not max(init, x), which
// would claim [1, 3].
// CHECK-LABEL: "function": "empty_max"
// CHECK: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -30,
// CHECK-NEXT: -30
func.func @empty_max(%x: tensor<2x0xi3> {qfhe.range = array<i64: 1, 3>}, %f: tensor<2xi6> {qfhe.range = array<i64: -30, -30>}) -> tensor<2xi6> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x0xi3>) outs(%f : tensor<2xi6>) {
  ^bb0(%in: i3, %out: i6):
    %a = arith.extsi %in : i3 to i6
    %m = arith.maxsi %out, %a : i6
    linalg.yield %m : i6
  } -> tensor<2xi6>
  return %r : tensor<2xi6>
}

// -----

// A sum over an empty dimension is its init, 31 (the verifier read a
// weight of the empty constant before).
// CHECK-LABEL: "function": "empty_sum"
// CHECK: "op": "linalg.matmul",
// CHECK-NEXT: "range": [
// CHECK-NEXT: 31,
// CHECK-NEXT: 31
func.func @empty_sum(%x: tensor<4x0xi3> {qfhe.range = array<i64: 1, 3>}, %f: tensor<4x1xi6> {qfhe.range = array<i64: 31, 31>}) -> tensor<4x1xi6> {
  %w = arith.constant dense<> : tensor<0x1xi3>
  %acc = linalg.matmul ins(%x, %w : tensor<4x0xi3>, tensor<0x1xi3>) outs(%f : tensor<4x1xi6>) -> tensor<4x1xi6>
  return %acc : tensor<4x1xi6>
}

// -----

// A max of truncated elements compares values modulo 2^3: x in [0, 30]
// is not what it compares.
func.func @truncated_max(%x: tensor<4xi8> {qfhe.range = array<i64: 0, 30>}) -> tensor<i3> {
  %c = arith.constant 0 : i3
  %e = tensor.empty() : tensor<i3>
  %f = linalg.fill ins(%c : i3) outs(%e : tensor<i3>) -> tensor<i3>
  // expected-error @below {{cannot verify: 'linalg.generic' compares values that are not elements of an operand}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%x : tensor<4xi8>) outs(%f : tensor<i3>) {
  ^bb0(%in: i8, %out: i3):
    %t = arith.trunci %in : i8 to i3
    %m = arith.maxsi %out, %t : i3
    linalg.yield %m : i3
  } -> tensor<i3>
  return %r : tensor<i3>
}

// -----

// A body that stores to memory moves data the rules never see.
func.func @memory_in_body(%x: tensor<4xi3>, %m: memref<4xi3>) -> tensor<4xi3> {
  %e = tensor.empty() : tensor<4xi3>
  // expected-error @below {{cannot verify: 'linalg.generic' has a body with effects on memory}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e : tensor<4xi3>) {
  ^bb0(%in: i3, %out: i3):
    %i = linalg.index 0 : index
    memref.store %in, %m[%i] : memref<4xi3>
    linalg.yield %in : i3
  } -> tensor<4xi3>
  return %r : tensor<4xi3>
}

// -----

// x * 2^124 + x modulo 2^64 is x: coefficients are taken modulo 2^64 (they
// grew beyond the verifier's 125 bits and were rejected before).
// CHECK-LABEL: "function": "huge_coefficients"
// CHECK: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -4,
// CHECK-NEXT: 3
func.func @huge_coefficients(%x: tensor<4xi3>) -> tensor<4xi64> {
  %e = tensor.empty() : tensor<4xi64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e : tensor<4xi64>) {
  ^bb0(%in: i3, %out: i64):
    %c = arith.constant 4611686018427387904 : i64
    %a = arith.extsi %in : i3 to i64
    %p = arith.muli %a, %c : i64
    %q = arith.muli %p, %c : i64
    %s = arith.addi %q, %a : i64
    linalg.yield %s : i64
  } -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

// Padding by -1 crops the first column (the verifier crashed): the one
// left is bounded by both columns' ranges.
// CHECK-LABEL: "function": "negative_pad"
// CHECK: "op": "tensor.pad",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -12,
// CHECK-NEXT: 9
func.func @negative_pad(%x: tensor<4x3xi3>) -> tensor<4x1xi6> {
  %w = arith.constant dense<[[1, 0], [1, 0], [1, 1]]> : tensor<3x2xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<4x2xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<4x2xi6>) -> tensor<4x2xi6>
  %acc = linalg.matmul ins(%x, %w : tensor<4x3xi3>, tensor<3x2xi3>) outs(%f : tensor<4x2xi6>) -> tensor<4x2xi6>
  %p = tensor.pad %acc low[0, -1] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %c0 : i6
  } : tensor<4x2xi6> to tensor<4x1xi6>
  return %p : tensor<4x1xi6>
}

// -----

// A slice with stride -1 reverses the columns: column 0 of the slice is
// column 1 of the product (x2, in [-4, 3]), column 1 is column 0.
// CHECK-LABEL: "function": "reversed_slice"
// CHECK: "axis": 1,
// CHECK: "axis": 1,
// CHECK-NEXT: "bits": 5,
// CHECK-NEXT: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: -4,
// CHECK-NEXT: 3
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: -12,
// CHECK-NEXT: 9
func.func @reversed_slice(%x: tensor<4x3xi3>) -> tensor<4x2xi6> {
  %w = arith.constant dense<[[1, 0], [1, 0], [1, 1]]> : tensor<3x2xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<4x2xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<4x2xi6>) -> tensor<4x2xi6>
  %acc = linalg.matmul ins(%x, %w : tensor<4x3xi3>, tensor<3x2xi3>) outs(%f : tensor<4x2xi6>) -> tensor<4x2xi6>
  %s = tensor.extract_slice %acc[0, 1] [4, 2] [1, -1] : tensor<4x2xi6> to tensor<4x2xi6>
  return %s : tensor<4x2xi6>
}

// -----

// Stride -1 from column 0 reads outside the product (the verifier read
// outside its ranges before): every element is bounded by every column.
// CHECK-LABEL: "function": "slice_outside"
// CHECK: "op": "tensor.extract_slice",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -12,
// CHECK-NEXT: 9
func.func @slice_outside(%x: tensor<4x3xi3>) -> tensor<4x2xi6> {
  %w = arith.constant dense<[[1, 0], [1, 0], [1, 1]]> : tensor<3x2xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<4x2xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<4x2xi6>) -> tensor<4x2xi6>
  %acc = linalg.matmul ins(%x, %w : tensor<4x3xi3>, tensor<3x2xi3>) outs(%f : tensor<4x2xi6>) -> tensor<4x2xi6>
  %s = tensor.extract_slice %acc[0, 0] [4, 2] [1, -1] : tensor<4x2xi6> to tensor<4x2xi6>
  return %s : tensor<4x2xi6>
}
