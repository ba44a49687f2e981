// RUN: quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=16 tlu-bit-width=8 report=-" -o /dev/null | FileCheck %s

// The rules of qfhe-verify-bitwidth, one proof each, checked on the ranges
// of the report. x is an encrypted argument; ranges are exact.

// An init read through the lattice: a broadcast of a constant vector along
// the columns. Column 0 is 100 + x0 - x1 in [93, 107], column 1 is
// -100 + 2 x1 in [-108, -94].
// CHECK-LABEL: "function": "broadcast_init"
// CHECK: "axis": 1,
// CHECK-NEXT: "bits": 8,
// CHECK-NEXT: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: 93,
// CHECK-NEXT: 107
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: -108,
// CHECK-NEXT: -94
func.func @broadcast_init(%x: tensor<?x2xi3>) -> tensor<?x2xi8> {
  %w = arith.constant dense<[[1, 0], [-1, 2]]> : tensor<2x2xi3>
  %beta = arith.constant dense<[100, -100]> : tensor<2xi8>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xi3>
  %e = tensor.empty(%n) : tensor<?x2xi8>
  %b = linalg.broadcast ins(%beta : tensor<2xi8>) outs(%e : tensor<?x2xi8>) dimensions = [0]
  %acc = linalg.matmul ins(%x, %w : tensor<?x2xi3>, tensor<2x2xi3>) outs(%b : tensor<?x2xi8>) -> tensor<?x2xi8>
  return %acc : tensor<?x2xi8>
}

// -----

// Per-channel ranges through a lookup per channel, a spatial padding (the
// padding value joins every channel), a channel slice and a flattening:
// channel 0 of the lookup is in [0, 1], channel 1 in [5, 6]; padded with
// 2: [0, 2] and [2, 6]; channel 1 flattened is [2, 6] on each of its 9
// elements, and their sum [18, 54].
// CHECK-LABEL: "function": "channels_through_movement"
// CHECK: "op": "qfhe.lut",
// CHECK: "axis": 1,
// CHECK-NEXT: "bits": 4,
// CHECK-NEXT: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: 0,
// CHECK-NEXT: 2
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 2,
// CHECK-NEXT: 6
// CHECK: "op": "tensor.pad",
// CHECK: "op": "tensor.extract_slice",
// CHECK-NEXT: "range": [
// CHECK-NEXT: 2,
// CHECK-NEXT: 6
// CHECK: "op": "linalg.generic",
// CHECK-NEXT: "range": [
// CHECK-NEXT: 18,
// CHECK-NEXT: 54
func.func @channels_through_movement(%x: tensor<1x2x1x1xi2>) -> tensor<1xi8> {
  %l = qfhe.lut %x {axis = 1 : i64, table = dense<[[0, 0, 1, 1], [5, 5, 6, 6]]> : tensor<2x4xi4>} : tensor<1x2x1x1xi2> -> tensor<1x2x1x1xi4>
  %c2 = arith.constant 2 : i4
  %p = tensor.pad %l low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %c2 : i4
  } : tensor<1x2x1x1xi4> to tensor<1x2x3x3xi4>
  %s = tensor.extract_slice %p[0, 1, 0, 0] [1, 1, 3, 3] [1, 1, 1, 1] : tensor<1x2x3x3xi4> to tensor<1x1x3x3xi4>
  %flat = tensor.collapse_shape %s [[0], [1, 2, 3]] : tensor<1x1x3x3xi4> into tensor<1x9xi4>
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1xi8>) -> tensor<1xi8>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%flat : tensor<1x9xi4>) outs(%f : tensor<1xi8>) {
  ^bb0(%in: i4, %out: i8):
    %a = arith.extsi %in : i4 to i8
    %t = arith.addi %out, %a : i8
    linalg.yield %t : i8
  } -> tensor<1xi8>
  return %sum : tensor<1xi8>
}

// -----

// A padding value defined in the pad's body without a constant of integers
// (a poison value) has its type's range: the padded tensor ranges over
// [0, 1] joined with [-8, 7]. The rule reads the fact of a value that is
// neither an operand nor used from above.
// CHECK-LABEL: "function": "pad_with_poison"
// CHECK: "op": "tensor.pad",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -8,
// CHECK-NEXT: 7
func.func @pad_with_poison(%x: tensor<1x2xi1>) -> tensor<1x4xi4> {
  %l = qfhe.lut %x {table = dense<[0, 1]> : tensor<2xi4>} : tensor<1x2xi1> -> tensor<1x2xi4>
  %p = tensor.pad %l low[0, 1] high[0, 1] {
  ^bb0(%a: index, %b: index):
    %u = ub.poison : i4
    tensor.yield %u : i4
  } : tensor<1x2xi4> to tensor<1x4xi4>
  return %p : tensor<1x4xi4>
}

// -----

// Collapsing a per-channel value keeps each element's channel: [1, 2, 2]
// into [1, 4] lays channels 0, 0, 1, 1 along the result; the matmul then
// weighs each row by its channel's range: 3 * [0, 1] * 2 + [5, 6] * 2 =
// [10, 18].
// CHECK-LABEL: "function": "collapse_keeps_channels"
// CHECK: "op": "tensor.collapse_shape",
// CHECK: "op": "linalg.matmul",
// CHECK-NEXT: "range": [
// CHECK-NEXT: 10,
// CHECK-NEXT: 18
func.func @collapse_keeps_channels(%x: tensor<1x2x2xi2>) -> tensor<1x1xi6> {
  %l = qfhe.lut %x {axis = 1 : i64, table = dense<[[0, 0, 1, 1], [5, 5, 6, 6]]> : tensor<2x4xi4>} : tensor<1x2x2xi2> -> tensor<1x2x2xi4>
  %flat = tensor.collapse_shape %l [[0], [1, 2]] : tensor<1x2x2xi4> into tensor<1x4xi4>
  %w = arith.constant dense<[[3], [3], [1], [1]]> : tensor<4x1xi3>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<1x1xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<1x1xi6>) -> tensor<1x1xi6>
  %acc = linalg.matmul ins(%flat, %w : tensor<1x4xi4>, tensor<4x1xi3>) outs(%f : tensor<1x1xi6>) -> tensor<1x1xi6>
  return %acc : tensor<1x1xi6>
}

// -----

// Depthwise convolution: filter 0 sums 2 x over 4 taps, filter 1 sums -x;
// with x in [-4, 3]: [-32, 24] and [-12, 16]. Sum pooling of 4 values of
// [-4, 3]: [-16, 12]. Max pooling keeps [-4, 3] and compares: differences
// in [-7, 7] (4 bits), 3 comparisons per output (the init, -4, never wins).
// CHECK-LABEL: "function": "convolutions_and_pools"
// CHECK: "lookups": {
// CHECK-NEXT: "ops": 1,
// CHECK-NEXT: "per_sample": 6,
// CHECK-NEXT: "per_sample_by_input_bits": {
// CHECK-NEXT: "4": 6
// CHECK: "op": "argument #0",
// CHECK: "axis": 1,
// CHECK-NEXT: "bits": 6,
// CHECK-NEXT: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: -32,
// CHECK-NEXT: 24
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: -12,
// CHECK-NEXT: 16
// CHECK: "op": "linalg.depthwise_conv_2d_nchw_chw",
// CHECK: "op": "linalg.pooling_nchw_sum",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -16,
// CHECK-NEXT: 12
// CHECK: "op": "linalg.pooling_nchw_max",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -4,
// CHECK-NEXT: 3
func.func @convolutions_and_pools(%x: tensor<1x2x3x3xi3>) -> (tensor<1x2x2x2xi7>, tensor<1x2x2x2xi6>, tensor<1x2x1x1xi3>) {
  %w = arith.constant dense<[[[2, 2], [2, 2]], [[-1, -1], [-1, -1]]]> : tensor<2x2x2xi3>
  %c0 = arith.constant 0 : i7
  %e = tensor.empty() : tensor<1x2x2x2xi7>
  %f = linalg.fill ins(%c0 : i7) outs(%e : tensor<1x2x2x2xi7>) -> tensor<1x2x2x2xi7>
  %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x3xi3>, tensor<2x2x2xi3>) outs(%f : tensor<1x2x2x2xi7>) -> tensor<1x2x2x2xi7>
  %window = tensor.empty() : tensor<2x2xi6>
  %z = arith.constant 0 : i6
  %se = tensor.empty() : tensor<1x2x2x2xi6>
  %sf = linalg.fill ins(%z : i6) outs(%se : tensor<1x2x2x2xi6>) -> tensor<1x2x2x2xi6>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %window : tensor<1x2x3x3xi3>, tensor<2x2xi6>) outs(%sf : tensor<1x2x2x2xi6>) -> tensor<1x2x2x2xi6>
  %low = arith.constant -4 : i3
  %me = tensor.empty() : tensor<1x2x1x1xi3>
  %mf = linalg.fill ins(%low : i3) outs(%me : tensor<1x2x1x1xi3>) -> tensor<1x2x1x1xi3>
  %mw = tensor.empty() : tensor<2x2xi3>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %mw : tensor<1x2x3x3xi3>, tensor<2x2xi3>) outs(%mf : tensor<1x2x1x1xi3>) -> tensor<1x2x1x1xi3>
  return %d, %s, %m : tensor<1x2x2x2xi7>, tensor<1x2x2x2xi6>, tensor<1x2x1x1xi3>
}

// -----

// Unsigned extension reads x's bits unsigned: [-4, 3] in i3 is [0, 7], so
// the sum of 3 of them is [0, 21].
// CHECK-LABEL: "function": "unsigned_reading"
// CHECK: "op": "linalg.matmul",
// CHECK-NEXT: "range": [
// CHECK-NEXT: 0,
// CHECK-NEXT: 21
func.func @unsigned_reading(%x: tensor<1x3xi3>) -> tensor<1x1xi6> {
  %w = arith.constant dense<1> : tensor<3x1xi2>
  %c0 = arith.constant 0 : i6
  %e = tensor.empty() : tensor<1x1xi6>
  %f = linalg.fill ins(%c0 : i6) outs(%e : tensor<1x1xi6>) -> tensor<1x1xi6>
  %acc = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%x, %w : tensor<1x3xi3>, tensor<3x1xi2>) outs(%f : tensor<1x1xi6>) -> tensor<1x1xi6>
  return %acc : tensor<1x1xi6>
}

// -----

// Elementwise sums and differences of encrypted values, per channel where
// an operand is: a is x per channel through a lookup ([0, 1], [5, 6]), b is
// x extended, in [-4, 3]; a + b is [-4, 4] and [1, 9], a - b is [-3, 5]
// and [2, 10].
// CHECK-LABEL: "function": "add_and_sub"
// CHECK: "op": "linalg.generic",
// CHECK: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: -4,
// CHECK-NEXT: 4
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 1,
// CHECK-NEXT: 9
// CHECK: "op": "linalg.add",
// CHECK: "channels": [
// CHECK-NEXT: [
// CHECK-NEXT: -3,
// CHECK-NEXT: 5
// CHECK-NEXT: ],
// CHECK-NEXT: [
// CHECK-NEXT: 2,
// CHECK-NEXT: 10
// CHECK: "op": "linalg.sub",
func.func @add_and_sub(%x: tensor<1x2xi3>) -> (tensor<1x2xi5>, tensor<1x2xi5>) {
  %l = qfhe.lut %x {axis = 1 : i64, table = dense<[[0, 0, 0, 0, 1, 1, 1, 1], [5, 5, 5, 5, 6, 6, 6, 6]]> : tensor<2x8xi5>} : tensor<1x2xi3> -> tensor<1x2xi5>
  %e = tensor.empty() : tensor<1x2xi5>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x2xi3>) outs(%e : tensor<1x2xi5>) {
  ^bb0(%in: i3, %out: i5):
    %v = arith.extsi %in : i3 to i5
    linalg.yield %v : i5
  } -> tensor<1x2xi5>
  %s = linalg.add ins(%l, %b : tensor<1x2xi5>, tensor<1x2xi5>) outs(%e : tensor<1x2xi5>) -> tensor<1x2xi5>
  %d = linalg.sub ins(%l, %b : tensor<1x2xi5>, tensor<1x2xi5>) outs(%e : tensor<1x2xi5>) -> tensor<1x2xi5>
  return %s, %d : tensor<1x2xi5>, tensor<1x2xi5>
}

// -----

// linalg.reduce with an adding combiner: 10 + 4 values of [-4, 3] is
// [-6, 22].
// CHECK-LABEL: "function": "reduce_op"
// CHECK: "op": "linalg.reduce",
// CHECK-NEXT: "range": [
// CHECK-NEXT: -6,
// CHECK-NEXT: 22
func.func @reduce_op(%x: tensor<1x4xi3>) -> tensor<1xi6> {
  %c = arith.constant 10 : i6
  %e = tensor.empty() : tensor<1xi6>
  %f = linalg.fill ins(%c : i6) outs(%e : tensor<1xi6>) -> tensor<1xi6>
  %r = linalg.reduce ins(%x : tensor<1x4xi3>) outs(%f : tensor<1xi6>) dimensions = [1]
    (%in: i3, %init: i6) {
      %v = arith.extsi %in : i3 to i6
      %s = arith.addi %init, %v : i6
      linalg.yield %s : i6
    }
  return %r : tensor<1xi6>
}
