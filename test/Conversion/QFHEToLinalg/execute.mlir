// The lowered arithmetic, run: each qfhe op on inputs chosen for their edge
// cases (ties, clamping, NaN, signed and unsigned tables, rounding up).
//
// RUN: quant-opt %s --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%t: tensor<8xf32>) {
  %u = tensor.cast %t : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @printInts(%t: tensor<8xi32>) {
  %u = tensor.cast %t : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  // x / 0.1 = 0, 2.6, -0.4, 1000, NaN, 0.5, 1.5, -10; zero point 3.
  %x = arith.constant dense<[0.0, 0.26, -0.04, 100.0, 0x7FC00000, 0.05, 0.15, -1.0]> : tensor<8xf32>
  %q = qfhe.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 0.1:3>>
  %q_s = quant.scast %q : tensor<8x!quant.uniform<u8:f32, 0.1:3>> to tensor<8xi8>
  %q_1 = quant.scast %q_s : tensor<8xi8> to tensor<8x!quant.uniform<u8:f32, 1.0>>
  %qf = qfhe.dequantize %q_1 : tensor<8x!quant.uniform<u8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [3,  6,  3,  255,  3,  3,  5,  0]
  call @print(%qf) : (tensor<8xf32>) -> ()

  // (q - 3) * 0.5, rounded half up, into [-127, 127].
  %r = qfhe.requantize %q : tensor<8x!quant.uniform<u8:f32, 0.1:3>> -> tensor<8x!quant.uniform<i8<-127:127>:f32, 0.2>>
  %r_s = quant.scast %r : tensor<8x!quant.uniform<i8<-127:127>:f32, 0.2>> to tensor<8xi8>
  %r_1 = quant.scast %r_s : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %rf = qfhe.dequantize %r_1 : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [0,  2,  0,  126,  0,  0,  1,  -1]
  call @print(%rf) : (tensor<8xf32>) -> ()
  %d = qfhe.dequantize %r : tensor<8x!quant.uniform<i8<-127:127>:f32, 0.2>> -> tensor<8xf32>
  // CHECK: [0,  0.4,  0,  25.2,  0,  0,  0.2,  -0.2]
  call @print(%d) : (tensor<8xf32>) -> ()

  // Per-axis quantization of a 2x4 tensor, channels along dimension 1.
  %w = arith.constant dense<[[1.0, 1.0, -1.0, 300.0], [0.5, -0.5, 2.0, -300.0]]> : tensor<2x4xf32>
  %wq = qfhe.quantize %w : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32:1, {0.5, 0.25:1, 1.0:-2, 2.0}>>
  %wq_s = quant.scast %wq : tensor<2x4x!quant.uniform<i8:f32:1, {0.5, 0.25:1, 1.0:-2, 2.0}>> to tensor<2x4xi8>
  %wq_1 = quant.scast %wq_s : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 1.0>>
  %wf = qfhe.dequantize %wq_1 : tensor<2x4x!quant.uniform<i8:f32, 1.0>> -> tensor<2x4xf32>
  %wflat = tensor.collapse_shape %wf [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  // CHECK: [2,  5,  -3,  127,  1,  -1,  0,  -128]
  call @print(%wflat) : (tensor<8xf32>) -> ()

  // A signed 3-bit relu table: index 0 holds the value for -4.
  %i = arith.constant dense<[-4, -3, -2, -1, 0, 1, 2, 3]> : tensor<8xi3>
  %relu = qfhe.lut %i {table = dense<[0, 0, 0, 0, 0, 1, 2, 3]> : tensor<8xi3>} : tensor<8xi3> -> tensor<8xi3>
  %relu32 = arith.extsi %relu : tensor<8xi3> to tensor<8xi32>
  // CHECK: [0,  0,  0,  0,  0,  1,  2,  3]
  call @printInts(%relu32) : (tensor<8xi32>) -> ()

  // One table per row: row 1 negates.
  %m = arith.constant dense<[[-4, -1, 0, 3], [-4, -1, 0, 3]]> : tensor<2x4xi3>
  %mt = qfhe.lut %m {axis = 0 : i64, table = dense<[[-4, -3, -2, -1, 0, 1, 2, 3], [4, 3, 2, 1, 0, -1, -2, -3]]> : tensor<2x8xi64>} : tensor<2x4xi3> -> tensor<2x4xi4>
  %mflat = tensor.collapse_shape %mt [[0, 1]] : tensor<2x4xi4> into tensor<8xi4>
  %m32 = arith.extsi %mflat : tensor<8xi4> to tensor<8xi32>
  // CHECK: [-4,  -1,  0,  3,  4,  1,  0,  -3]
  call @printInts(%m32) : (tensor<8xi32>) -> ()

  // An unsigned 2-bit square table.
  %u = arith.constant dense<[0, 1, 2, 3, 3, 2, 1, 0]> : tensor<8xui2>
  %sq = qfhe.lut %u {table = dense<[0, 1, 4, 9]> : tensor<4xui4>} : tensor<8xui2> -> tensor<8xui4>
  %sqs = tensor.bitcast %sq : tensor<8xui4> to tensor<8xi4>
  %sq32 = arith.extui %sqs : tensor<8xi4> to tensor<8xi32>
  // CHECK: [0,  1,  4,  9,  9,  4,  1,  0]
  call @printInts(%sq32) : (tensor<8xi32>) -> ()

  // Dropping 2 bits: x / 4 rounded to nearest, ties up; 2047 rounds to 512,
  // one more than an i10 holds, so the result type keeps 11 bits.
  %a = arith.constant dense<[-2048, -6, -5, -2, 2, 5, 6, 2047]> : tensor<8xi12>
  %ar = qfhe.round %a drop 2 : tensor<8xi12> -> tensor<8xi11>
  %ar32 = arith.extsi %ar : tensor<8xi11> to tensor<8xi32>
  // CHECK: [-512,  -1,  -1,  0,  1,  1,  2,  512]
  call @printInts(%ar32) : (tensor<8xi32>) -> ()
  // The roundings of a requantization by 1/4 (a fixed-point multiplier
  // 2^30 at shift 32): x / 4 = [-1.5, -1.25, -0.5, 0.5, 1.25, 1.5, 2.5, -2.5].
  // fixed_point rounds half up; fixed_point_double (TOSA's DOUBLE_ROUND)
  // adds 2^30 (a quarter unit) more for x >= 0 and 2^30 less for x < 0;
  // float_half_even rounds half to even.
  %sx_i = arith.constant dense<[-6, -5, -2, 2, 5, 6, 10, -10]> : tensor<8xi8>
  %sx = quant.scast %sx_i : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %sr = qfhe.requantize %sx : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8x!quant.uniform<i8:f32, 4.0>>
  %sr_s = quant.scast %sr : tensor<8x!quant.uniform<i8:f32, 4.0>> to tensor<8xi8>
  %sr_1 = quant.scast %sr_s : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %srf = qfhe.dequantize %sr_1 : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [-1,  -1,  0,  1,  1,  2,  3,  -2]
  call @print(%srf) : (tensor<8xf32>) -> ()
  %sd = qfhe.requantize %sx {rounding = #qfhe.rounding<fixed_point_double>} : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8x!quant.uniform<i8:f32, 4.0>>
  %sd_s = quant.scast %sd : tensor<8x!quant.uniform<i8:f32, 4.0>> to tensor<8xi8>
  %sd_1 = quant.scast %sd_s : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %sdf = qfhe.dequantize %sd_1 : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [-2,  -1,  -1,  1,  2,  2,  3,  -3]
  call @print(%sdf) : (tensor<8xf32>) -> ()
  %se = qfhe.requantize %sx {rounding = #qfhe.rounding<float_half_even>} : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8x!quant.uniform<i8:f32, 4.0>>
  %se_s = quant.scast %se : tensor<8x!quant.uniform<i8:f32, 4.0>> to tensor<8xi8>
  %se_1 = quant.scast %se_s : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %sef = qfhe.dequantize %se_1 : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [-2,  -1,  0,  0,  1,  2,  2,  -2]
  call @print(%sef) : (tensor<8xf32>) -> ()

  // quant.qcast and quant.dcast compute what qfhe.quantize and
  // qfhe.dequantize do: ties to even, NaN to the zero point, saturation to
  // the storage bounds (here 4-bit values in 8-bit storage, [-8, 7]).
  %cq = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i8<-8:7>:f32, 0.1:3>>
  %cq_s = quant.scast %cq : tensor<8x!quant.uniform<i8<-8:7>:f32, 0.1:3>> to tensor<8xi8>
  %cq_1 = quant.scast %cq_s : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 1.0>>
  %cqf = qfhe.dequantize %cq_1 : tensor<8x!quant.uniform<i8:f32, 1.0>> -> tensor<8xf32>
  // CHECK: [3,  6,  3,  7,  3,  3,  5,  -7]
  call @print(%cqf) : (tensor<8xf32>) -> ()
  %cd = quant.dcast %cq : tensor<8x!quant.uniform<i8<-8:7>:f32, 0.1:3>> to tensor<8xf32>
  // CHECK: [0,  0.3,  0,  0.4,  0,  0,  0.2,  -1]
  call @print(%cd) : (tensor<8xf32>) -> ()
  return
}
