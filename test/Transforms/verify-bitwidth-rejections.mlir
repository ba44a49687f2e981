// RUN: quant-opt %s --split-input-file --qfhe-verify-bitwidth="max-bit-width=16 tlu-bit-width=8" --verify-diagnostics -o /dev/null

// Every way qfhe-verify-bitwidth refuses a program it cannot prove, with its
// message. An op touching encrypted data that no rule knows exactly is an
// error naming the op, never skipped. x is an encrypted i3 argument.

// A reduction must accumulate into its init as `out + sum`.
func.func @not_an_accumulation(%x: tensor<1x4xi3>) -> tensor<1xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1xi8>) -> tensor<1xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' reduces with a body that is not `out + ` a sum of products of its inputs}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x4xi3>) outs(%f : tensor<1xi8>) {
  ^bb0(%in: i3, %out: i8):
    %a = arith.extsi %in : i3 to i8
    %twice = arith.addi %out, %out : i8
    %s = arith.addi %twice, %a : i8
    linalg.yield %s : i8
  } -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// A sum computed in 4 bits, then extended: its wrap-around is not the
// exact sum modulo 2^8.
func.func @extends_a_narrow_sum(%x: tensor<4xi3>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' body extends a value computed in fewer bits than its result (the sum is then not exact modulo 2^8)}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e : tensor<4xi8>) {
  ^bb0(%in: i3, %out: i8):
    %a = arith.extsi %in : i3 to i4
    %s = arith.addi %a, %a : i4
    %w = arith.extsi %s : i4 to i8
    linalg.yield %w : i8
  } -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

func.func @divides(%x: tensor<4xi3>) -> tensor<4xi3> {
  %e = tensor.empty() : tensor<4xi3>
  %c2 = arith.constant 2 : i3
  // expected-error @below {{cannot verify: 'linalg.generic' body computes 'arith.divsi', not a sum of products}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e : tensor<4xi3>) {
  ^bb0(%in: i3, %out: i3):
    %d = arith.divsi %in, %c2 : i3
    linalg.yield %d : i3
  } -> tensor<4xi3>
  return %r : tensor<4xi3>
}

// -----

func.func @reads_indices(%x: tensor<4xi8>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' body computes 'arith.index_cast', not a sum of products}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi8>) outs(%e : tensor<4xi8>) {
  ^bb0(%in: i8, %out: i8):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i8
    %s = arith.addi %in, %c : i8
    linalg.yield %s : i8
  } -> tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// A max reduction compares elements of its operand with its init.
func.func @compares_a_sum(%x: tensor<1x4xi3>) -> tensor<1xi3> {
  %c = arith.constant -4 : i3
  %e = tensor.empty() : tensor<1xi3>
  %f = linalg.fill ins(%c : i3) outs(%e : tensor<1xi3>) -> tensor<1xi3>
  // expected-error @below {{cannot verify: 'linalg.generic' compares values that are not elements of an operand}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x4xi3>) outs(%f : tensor<1xi3>) {
  ^bb0(%in: i3, %out: i3):
    %d = arith.addi %in, %in : i3
    %m = arith.maxsi %out, %d : i3
    linalg.yield %m : i3
  } -> tensor<1xi3>
  return %r : tensor<1xi3>
}

// -----

func.func @dynamic_reduction(%x: tensor<1x?xi3>) -> tensor<1xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1xi8>) -> tensor<1xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' sums over a dynamic number of terms}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x?xi3>) outs(%f : tensor<1xi8>) {
  ^bb0(%in: i3, %out: i8):
    %a = arith.extsi %in : i3 to i8
    %s = arith.addi %out, %a : i8
    linalg.yield %s : i8
  } -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// A "parallel" dimension missing from the result accumulates too: only
// reductions may.
func.func @hidden_reduction(%x: tensor<1x4xi3>) -> tensor<1xi8> {
  %c0 = arith.constant 0 : i8
  %e = tensor.empty() : tensor<1xi8>
  %f = linalg.fill ins(%c0 : i8) outs(%e : tensor<1xi8>) -> tensor<1xi8>
  // expected-error @below {{cannot verify: 'linalg.generic' writes its result through a map that is not a permutation of its parallel dimensions}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x4xi3>) outs(%f : tensor<1xi8>) {
  ^bb0(%in: i3, %out: i8):
    %a = arith.extsi %in : i3 to i8
    %s = arith.addi %out, %a : i8
    linalg.yield %s : i8
  } -> tensor<1xi8>
  return %r : tensor<1xi8>
}

// -----

// An uninitialized accumulator holds anything: the sum is unbounded in i8.
func.func @uninitialized_init(%x: tensor<1x3xi3>) -> tensor<1x1xi8> {
  %w = arith.constant dense<1> : tensor<3x1xi3>
  %e = tensor.empty() : tensor<1x1xi8>
  // expected-error @below {{proven range [-140, 136] does not fit the result type 'i8' (9 bits needed)}}
  %acc = linalg.matmul ins(%x, %w : tensor<1x3xi3>, tensor<3x1xi3>) outs(%e : tensor<1x1xi8>) -> tensor<1x1xi8>
  return %acc : tensor<1x1xi8>
}

// -----

func.func @two_results(%x: tensor<4xi3>) -> (tensor<4xi3>, tensor<4xi3>) {
  %e = tensor.empty() : tensor<4xi3>
  // expected-error @below {{cannot verify: 'linalg.generic' is not a single-result op on tensors of integers of at most 64 bits}}
  %r:2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xi3>) outs(%e, %e : tensor<4xi3>, tensor<4xi3>) {
  ^bb0(%in: i3, %o1: i3, %o2: i3):
    linalg.yield %in, %in : i3, i3
  } -> (tensor<4xi3>, tensor<4xi3>)
  return %r#0, %r#1 : tensor<4xi3>, tensor<4xi3>
}

// -----

func.func @elementwise_arith(%x: tensor<4xi3>) -> tensor<4xi3> {
  // expected-error @below {{cannot verify: 'arith.addi' computes on encrypted values but is not an integer circuit op (linear algebra, qfhe.lut, qfhe.round, data movement)}}
  %s = arith.addi %x, %x : tensor<4xi3>
  return %s : tensor<4xi3>
}

// -----

func.func @to_float(%x: tensor<4xi16>) -> tensor<4xf16> {
  // expected-error @below {{cannot verify: 'tensor.bitcast' reinterprets encrypted integers as another kind of value}}
  %f = tensor.bitcast %x : tensor<4xi16> to tensor<4xf16>
  return %f : tensor<4xf16>
}

// -----

func.func @position_dependent_padding(%x: tensor<4xi3>) -> tensor<6xi3> {
  // expected-error @below {{cannot verify: 'tensor.pad' pads encrypted values with values that depend on the position}}
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    %v = arith.index_cast %i : index to i3
    tensor.yield %v : i3
  } : tensor<4xi3> to tensor<6xi3>
  return %p : tensor<6xi3>
}

// -----

// Control flow on encrypted values is not verified.
func.func @loop(%x: tensor<4xi3>) -> tensor<4xi3> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  // expected-error @below {{cannot verify: 'scf.for' computes on encrypted values but is not an integer circuit op}}
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%acc = %x) -> tensor<4xi3> {
    %l = qfhe.lut %acc {table = dense<[0, 1, 2, 3, 3, 2, 1, 0]> : tensor<8xi3>} : tensor<4xi3> -> tensor<4xi3>
    scf.yield %l : tensor<4xi3>
  }
  return %r : tensor<4xi3>
}

// -----

func.func private @elsewhere(tensor<4xi3>) -> tensor<4xi3>

func.func @calls(%x: tensor<4xi3>) -> tensor<4xi3> {
  // expected-error @below {{cannot verify: 'func.call' computes on encrypted values but is not an integer circuit op}}
  %r = func.call @elsewhere(%x) : (tensor<4xi3>) -> tensor<4xi3>
  return %r : tensor<4xi3>
}

// -----

// expected-error @below {{cannot verify: encrypted argument #0 of type 'i128' has no integer range (at most 64-bit integers)}}
func.func @wide_argument(%x: tensor<4xi128>) -> tensor<4xi128> {
  return %x : tensor<4xi128>
}
