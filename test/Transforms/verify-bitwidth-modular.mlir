// Arithmetic on iN is modulo 2^N, as in TFHE. A reduction whose partial
// sums leave the type is still exact when its final value fits: the
// verifier proves the final range modulo 2^N, and running the circuit
// gives exactly the true values shifted by a multiple of 2^N.
//
// RUN: quant-opt %s --qfhe-verify-bitwidth="max-bit-width=5 report=-" -o /dev/null | FileCheck %s --check-prefix=PROOF
// RUN: quant-opt %s --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s --check-prefix=EXEC
// RUN: not quant-opt %s --qfhe-verify-bitwidth="max-bit-width=4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CAP

// x in [-4, 3] (3 bits); t = x + 12 in [8, 15] by a lookup; the sum of two
// t's is in [16, 30], which i5 ([-16, 15]) cannot hold, but its span (15
// values) fits: held modulo 32 it is t1 + t2 - 32 in [-16, -2], and every
// partial sum that overflows wraps back.
// PROOF: "op": "linalg.matmul",
// PROOF-NEXT: "range": [
// PROOF-NEXT: -16,
// PROOF-NEXT: -2
// PROOF: "widest": {
// PROOF-NEXT: "bits": 5,
// CAP: error: encrypted result needs 5 bits (proven range [-16, -2]) but max-bit-width is 4

func.func private @printMemrefF32(tensor<*xf32>)

func.func @circuit(%x: tensor<8x2xf32>) -> tensor<8x1xf32> {
  %q = qfhe.quantize %x : tensor<8x2xf32> -> tensor<8x2x!quant.uniform<i3:f32, 1.0>>
  %i = quant.scast %q : tensor<8x2x!quant.uniform<i3:f32, 1.0>> to tensor<8x2xi3>
  %t = qfhe.lut %i {table = dense<[8, 9, 10, 11, 12, 13, 14, 15]> : tensor<8xi5>} : tensor<8x2xi3> -> tensor<8x2xi5>
  %w = arith.constant dense<[[1], [1]]> : tensor<2x1xi5>
  %c0 = arith.constant 0 : i5
  %e = tensor.empty() : tensor<8x1xi5>
  %f = linalg.fill ins(%c0 : i5) outs(%e : tensor<8x1xi5>) -> tensor<8x1xi5>
  %s = linalg.matmul ins(%t, %w : tensor<8x2xi5>, tensor<2x1xi5>) outs(%f : tensor<8x1xi5>) -> tensor<8x1xi5>
  %b = quant.scast %s : tensor<8x1xi5> to tensor<8x1x!quant.uniform<i5:f32, 1.0>>
  %d = qfhe.dequantize %b : tensor<8x1x!quant.uniform<i5:f32, 1.0>> -> tensor<8x1xf32>
  return %d : tensor<8x1xf32>
}

func.func @main() {
  %x = arith.constant dense<[[-4.0, -4.0], [3.0, 3.0], [0.0, 0.0], [3.0, -4.0],
                             [-1.0, 2.0], [1.0, 1.0], [2.0, 3.0], [-2.0, -3.0]]> : tensor<8x2xf32>
  %y = call @circuit(%x) : (tensor<8x2xf32>) -> tensor<8x1xf32>
  %flat = tensor.collapse_shape %y [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
  %u = tensor.cast %flat : tensor<8xf32> to tensor<*xf32>
  // t1 + t2 - 32 = x1 + x2 - 8:
  // EXEC: [-16,  -2,  -8,  -9,  -7,  -6,  -3,  -13]
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
