// Diagnostics name the op by its source line and caret; quant-opt does not
// print the op with them unless --mlir-print-op-on-diagnostic asks (the op
// of a compiled program holds its weights or lookup tables: megabytes for
// one error of the verifier).

// RUN: not quant-opt %s --qfhe-verify-bitwidth="max-bit-width=4" -o /dev/null 2>&1 \
// RUN: | FileCheck %s --implicit-check-not="see current operation"
// RUN: not quant-opt %s --qfhe-verify-bitwidth="max-bit-width=4" -o /dev/null \
// RUN:   --mlir-print-op-on-diagnostic 2>&1 | FileCheck %s --check-prefix=OP

// The lookup's result needs 6 bits under a cap of 4. x is an encrypted i3
// argument.
// CHECK: error: {{.*}}needs 6 bits{{.*}}max-bit-width is 4
// OP: error: {{.*}}needs 6 bits{{.*}}max-bit-width is 4
// OP: note: see current operation: {{.*}}qfhe.lut
func.func @wide_lookup(%x: tensor<4xi3>) -> tensor<4xi6> {
  %y = qfhe.lut %x {table = dense<[0, 1, 2, 3, 31, -32, 5, 6]> : tensor<8xi6>} : tensor<4xi3> -> tensor<4xi6>
  return %y : tensor<4xi6>
}
