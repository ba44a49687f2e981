// qfhe programs run like any other: their qfhe ops are lowered on the way.
// Results keep their element types in the .npy files: quantized u8 values
// as uint8, i3 as int8 (sign-extended), so they compare byte for byte with
// numpy's files.

// Quantization to ui8, scale 0.1, zero point 3 (numpy: round half to even,
// clamp).
// RUN: quant-run %s --entry quantize --data %S/Inputs/quant_x.npy -o %t.quant.npy \
// RUN:   --compare %S/Inputs/quant_expected.npy --atol 0 --rtol 0
// RUN: cmp %t.quant.npy %S/Inputs/quant_expected.npy

// A 3-bit relu table on i3 data stored as int8.
// RUN: quant-run %s --entry relu3 --data %S/Inputs/lut_x.npy -o %t.lut.npy
// RUN: cmp %t.lut.npy %S/Inputs/lut_expected.npy
// RUN: not quant-run %s --entry relu3 --data %S/Inputs/lut_x_out_of_range.npy 2>&1 \
// RUN: | FileCheck %s --check-prefix=RANGE
// RANGE: quant-run: error: {{.*}}lut_x_out_of_range.npy: value -8 at [0, 0] is outside the range [-4, 3] of i3 (argument 0 of @relu3 (tensor<?x8xi3>))

// Float data never feeds integer arguments, even with integral values.
// RUN: not quant-run %s --entry relu3 --data %S/Inputs/lut_x_float.npy 2>&1 \
// RUN: | FileCheck %s --check-prefix=FLOAT
// FLOAT: quant-run: error: {{.*}}lut_x_float.npy: float32 data cannot feed integer elements (i3): store integers (argument 0 of @relu3 (tensor<?x8xi3>))

// Without --entry, the choice is ambiguous.
// RUN: not quant-run %s --data %S/Inputs/quant_x.npy 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: quant-run: error: {{.*}}qfhe-programs.mlir: the module has several public functions (@quantize, @relu3): choose one with --entry

func.func @quantize(%x: tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<u8:f32, 0.1:3>> {
  %q = qfhe.quantize %x : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.1:3>>
  return %q : tensor<?x4x!quant.uniform<u8:f32, 0.1:3>>
}

func.func @relu3(%x: tensor<?x8xi3>) -> tensor<?x8xi3> {
  %r = qfhe.lut %x {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>} : tensor<?x8xi3> -> tensor<?x8xi3>
  return %r : tensor<?x8xi3>
}
