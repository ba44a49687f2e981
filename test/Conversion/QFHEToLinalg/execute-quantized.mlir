// The quantized-level ops, lowered and run on hand-checked inputs.
//
// RUN: quant-opt %s --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // x = [1, 3, 5] with zero point 1 stands for [0, 2, 4]; the columns of w
  // stand for [1, -1, 2] and [1, 0, 2] (zero points 0 and 1):
  // [0*1 + 2*-1 + 4*2, 0*1 + 2*0 + 4*2] + bias [10, -3] = [16, 5].
  %x_i = arith.constant dense<[[1, 3, 5]]> : tensor<1x3xi8>
  %x = quant.scast %x_i : tensor<1x3xi8> to tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>
  %w_i = arith.constant dense<[[1, 2], [-1, 1], [2, 3]]> : tensor<3x2xi8>
  %w = quant.scast %w_i : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>
  %b_i = arith.constant dense<[10, -3]> : tensor<2xi32>
  %b = quant.scast %b_i : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>>
  %acc = qfhe.matmul %x, %w, %b : tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>, tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>> -> tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>>
  %acc_s = quant.scast %acc : tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>> to tensor<1x2xi32>
  %acc_1 = quant.scast %acc_s : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  %accf = qfhe.dequantize %acc_1 : tensor<1x2x!quant.uniform<i32:f32, 1.0>> -> tensor<1x2xf32>
  %acc1 = tensor.collapse_shape %accf [[0, 1]] : tensor<1x2xf32> into tensor<2xf32>
  %acc1d = tensor.cast %acc1 : tensor<2xf32> to tensor<?xf32>
  // CHECK: [16,  5]
  call @print(%acc1d) : (tensor<?xf32>) -> ()

  // In chunks = 2 parts (terms [0, 2) and [2, 3)), each rounded to a
  // multiple of 2, ties up; with bias [11, -3]: column 0: 0 - 2 + 11 = 9 ->
  // 10, 8 -> 8: 18 (17 exactly); column 1: 0 + 0 - 3 = -3 -> -2, 8 -> 8: 6.
  %b11_i = arith.constant dense<[11, -3]> : tensor<2xi32>
  %b11 = quant.scast %b11_i : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>>
  %chunked = qfhe.matmul %x, %w, %b11 {chunks = 2 : i64} : tensor<1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>, tensor<2x!quant.uniform<i32:f32:0, {0.5, 1.0}>> -> tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>>
  %chunked_s = quant.scast %chunked : tensor<1x2x!quant.uniform<i32:f32:1, {0.5, 1.0}>> to tensor<1x2xi32>
  %chunked_1 = quant.scast %chunked_s : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i32:f32, 1.0>>
  %chunkedf = qfhe.dequantize %chunked_1 : tensor<1x2x!quant.uniform<i32:f32, 1.0>> -> tensor<1x2xf32>
  %chunked1 = tensor.collapse_shape %chunkedf [[0, 1]] : tensor<1x2xf32> into tensor<2xf32>
  %chunked1d = tensor.cast %chunked1 : tensor<2xf32> to tensor<?xf32>
  // CHECK: [18,  6]
  call @print(%chunked1d) : (tensor<?xf32>) -> ()

  // The same product on a batch of two rows (rank-3 lhs) into a 5-bit
  // result, modulo 2^5: 16 wraps to -16. Row 2 is [3, 3, 3] ->
  // [2*1 + 2*-1 + 2*2, 2 + 0 + 4] = [4, 6] -> [14, 3].
  %x3_i = arith.constant dense<[[[1, 3, 5]], [[3, 3, 3]]]> : tensor<2x1x3xi8>
  %x3 = quant.scast %x3_i : tensor<2x1x3xi8> to tensor<2x1x3x!quant.uniform<u8:f32, 0.5:1>>
  %b5_i = arith.constant dense<[10, -3]> : tensor<2xi5>
  %b5 = quant.scast %b5_i : tensor<2xi5> to tensor<2x!quant.uniform<i5:f32:0, {0.5, 1.0}>>
  %acc3 = qfhe.matmul %x3, %w, %b5 : tensor<2x1x3x!quant.uniform<u8:f32, 0.5:1>>, tensor<3x2x!quant.uniform<i8:f32:1, {1.0, 2.0:1}>>, tensor<2x!quant.uniform<i5:f32:0, {0.5, 1.0}>> -> tensor<2x1x2x!quant.uniform<i5:f32:2, {0.5, 1.0}>>
  %acc3_s = quant.scast %acc3 : tensor<2x1x2x!quant.uniform<i5:f32:2, {0.5, 1.0}>> to tensor<2x1x2xi5>
  %acc3_1 = quant.scast %acc3_s : tensor<2x1x2xi5> to tensor<2x1x2x!quant.uniform<i5:f32, 1.0>>
  %acc3f = qfhe.dequantize %acc3_1 : tensor<2x1x2x!quant.uniform<i5:f32, 1.0>> -> tensor<2x1x2xf32>
  %acc3flat = tensor.collapse_shape %acc3f [[0, 1, 2]] : tensor<2x1x2xf32> into tensor<4xf32>
  %acc3d = tensor.cast %acc3flat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [-16,  5,  14,  3]
  call @print(%acc3d) : (tensor<?xf32>) -> ()

  // A 2x2 all-ones filter over 0..8 (zero point 0), zero padding on the
  // bottom and right: window sums [8, 12, 7; 20, 24, 13; 13, 15, 8] + bias 1.
  %img_i = arith.constant dense<[[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]> : tensor<1x1x3x3xi8>
  %img = quant.scast %img_i : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>
  %f_i = arith.constant dense<1> : tensor<1x1x2x2xi8>
  %f = quant.scast %f_i : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0>>
  %fb_i = arith.constant dense<1> : tensor<1xi32>
  %fb = quant.scast %fb_i : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 1.0>>
  %conv = qfhe.conv2d %img, %f, %fb {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 1, 1>} : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0>>, tensor<1x!quant.uniform<i32:f32, 1.0>> -> tensor<1x1x3x3x!quant.uniform<i32:f32, 1.0>>
  %convf = qfhe.dequantize %conv : tensor<1x1x3x3x!quant.uniform<i32:f32, 1.0>> -> tensor<1x1x3x3xf32>
  %convflat = tensor.collapse_shape %convf [[0, 1, 2, 3]] : tensor<1x1x3x3xf32> into tensor<9xf32>
  %convd = tensor.cast %convflat : tensor<9xf32> to tensor<?xf32>
  // CHECK: [9,  13,  8,  21,  25,  14,  14,  16,  9]
  call @print(%convd) : (tensor<?xf32>) -> ()

  // Depthwise: channel 0 doubles, channel 1 negates (1x1 filters), input
  // zero point 2 (the padding holds real 0, i.e. the integer 2).
  %img2_i = arith.constant dense<[[[[3]], [[5]]]]> : tensor<1x2x1x1xi8>
  %img2 = quant.scast %img2_i : tensor<1x2x1x1xi8> to tensor<1x2x1x1x!quant.uniform<i8:f32, 1.0:2>>
  %dw_i = arith.constant dense<[[[[2]]], [[[-1]]]]> : tensor<2x1x1x1xi8>
  %dw = quant.scast %dw_i : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>>
  %dconv = qfhe.conv2d %img2, %dw {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 0, 0, 0>, groups = 2} : tensor<1x2x1x1x!quant.uniform<i8:f32, 1.0:2>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 1.0>> -> tensor<1x2x2x1x!quant.uniform<i32:f32, 1.0>>
  %dconvf = qfhe.dequantize %dconv : tensor<1x2x2x1x!quant.uniform<i32:f32, 1.0>> -> tensor<1x2x2x1xf32>
  %dflat = tensor.collapse_shape %dconvf [[0, 1, 2, 3]] : tensor<1x2x2x1xf32> into tensor<4xf32>
  %dd = tensor.cast %dflat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [0,  2,  0,  -3]
  call @print(%dd) : (tensor<?xf32>) -> ()

  // Pooling over 0..8 with zero point 1 (centered -1..7), 2x2 windows,
  // stride 1: sums [4, 8; 16, 20]; max keeps integers [4, 5; 7, 8]; the
  // sum over the spatial dimensions is 36 - 9 = 27.
  %img1_i = arith.constant dense<[[[[0, 1, 2], [3, 4, 5], [6, 7, 8]]]]> : tensor<1x1x3x3xi8>
  %img1 = quant.scast %img1_i : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:1>>
  %sp = qfhe.sum_pool %img1 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, divisor = 4} : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:1>> -> tensor<1x1x2x2x!quant.uniform<i16:f32, 0.25>>
  %sp_s = quant.scast %sp : tensor<1x1x2x2x!quant.uniform<i16:f32, 0.25>> to tensor<1x1x2x2xi16>
  %sp_1 = quant.scast %sp_s : tensor<1x1x2x2xi16> to tensor<1x1x2x2x!quant.uniform<i16:f32, 1.0>>
  %spf = qfhe.dequantize %sp_1 : tensor<1x1x2x2x!quant.uniform<i16:f32, 1.0>> -> tensor<1x1x2x2xf32>
  %spflat = tensor.collapse_shape %spf [[0, 1, 2, 3]] : tensor<1x1x2x2xf32> into tensor<4xf32>
  %spd = tensor.cast %spflat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [4,  8,  16,  20]
  call @print(%spd) : (tensor<?xf32>) -> ()
  %mp = qfhe.max_pool %img1 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>} : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:1>> -> tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0:1>>
  %mp_s = quant.scast %mp : tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0:1>> to tensor<1x1x2x2xi8>
  %mp_1 = quant.scast %mp_s : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0>>
  %mpf = qfhe.dequantize %mp_1 : tensor<1x1x2x2x!quant.uniform<i8:f32, 1.0>> -> tensor<1x1x2x2xf32>
  %mpflat = tensor.collapse_shape %mpf [[0, 1, 2, 3]] : tensor<1x1x2x2xf32> into tensor<4xf32>
  %mpd = tensor.cast %mpflat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [4,  5,  7,  8]
  call @print(%mpd) : (tensor<?xf32>) -> ()
  %rs = qfhe.reduce_sum %img1 {dimensions = array<i64: 2, 3>} : tensor<1x1x3x3x!quant.uniform<i8:f32, 1.0:1>> -> tensor<1x1x!quant.uniform<i16:f32, 1.0>>
  %rsf = qfhe.dequantize %rs : tensor<1x1x!quant.uniform<i16:f32, 1.0>> -> tensor<1x1xf32>
  %rsflat = tensor.collapse_shape %rsf [[0, 1]] : tensor<1x1xf32> into tensor<1xf32>
  %rsd = tensor.cast %rsflat : tensor<1xf32> to tensor<?xf32>
  // CHECK: [27]
  call @print(%rsd) : (tensor<?xf32>) -> ()

  // apply: relu then times 2, from scale 0.5 to scale 1 with zero point -3:
  // q = [-4, -1, 0, 3, 9] -> reals [-2, -0.5, 0, 1.5, 4.5] -> [0, 0, 0, 3, 9]
  // -> integers [-3, -3, -3, 0, 6] (9 + -3 = 6).
  %a_i = arith.constant dense<[-4, -1, 0, 3, 9]> : tensor<5xi8>
  %a = quant.scast %a_i : tensor<5xi8> to tensor<5x!quant.uniform<i8:f32, 0.5>>
  %ap = qfhe.apply %a : tensor<5x!quant.uniform<i8:f32, 0.5>> -> tensor<5x!quant.uniform<i8:f32, 1.0:-3>> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.0 : f32
    %two = arith.constant 2.0 : f32
    %r = arith.maximumf %v, %zero : f32
    %d = arith.mulf %r, %two : f32
    qfhe.yield %d : f32
  }
  %ap_s = quant.scast %ap : tensor<5x!quant.uniform<i8:f32, 1.0:-3>> to tensor<5xi8>
  %ap_1 = quant.scast %ap_s : tensor<5xi8> to tensor<5x!quant.uniform<i8:f32, 1.0>>
  %apf = qfhe.dequantize %ap_1 : tensor<5x!quant.uniform<i8:f32, 1.0>> -> tensor<5xf32>
  %apd = tensor.cast %apf : tensor<5xf32> to tensor<?xf32>
  // CHECK: [-3,  -3,  -3,  0,  6]
  call @print(%apd) : (tensor<?xf32>) -> ()

  // apply with a channel argument: add a per-channel constant [10, 20].
  %c_i = arith.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %c = quant.scast %c_i : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 1.0>>
  %bias = arith.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %cp = qfhe.apply %c {channel_axis = 1 : i64} : tensor<2x2x!quant.uniform<i8:f32, 1.0>> -> tensor<2x2x!quant.uniform<i8:f32, 1.0>> {
  ^bb0(%v: f32, %ch: index):
    %bv = tensor.extract %bias[%ch] : tensor<2xf32>
    %s = arith.addf %v, %bv : f32
    qfhe.yield %s : f32
  }
  %cpf = qfhe.dequantize %cp : tensor<2x2x!quant.uniform<i8:f32, 1.0>> -> tensor<2x2xf32>
  %cpflat = tensor.collapse_shape %cpf [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  %cpd = tensor.cast %cpflat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [11,  22,  13,  24]
  call @print(%cpd) : (tensor<?xf32>) -> ()

  // Requantizing 32-bit accumulators runs in i128 (negative constants must
  // be sign-extended there): (q * scale_c) / 0.1 + 20, per channel.
  %wide_i = arith.constant dense<[[30000, -30000], [100, 0]]> : tensor<2x2xi32>
  %wide = quant.scast %wide_i : tensor<2x2xi32> to tensor<2x2x!quant.uniform<i32:f32:1, {2.0e-4, 1.0e-4}>>
  %rq = qfhe.requantize %wide : tensor<2x2x!quant.uniform<i32:f32:1, {2.0e-4, 1.0e-4}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.1:20>>
  %rq_s = quant.scast %rq : tensor<2x2x!quant.uniform<i8:f32, 0.1:20>> to tensor<2x2xi8>
  %rq_1 = quant.scast %rq_s : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 1.0>>
  %rqf = qfhe.dequantize %rq_1 : tensor<2x2x!quant.uniform<i8:f32, 1.0>> -> tensor<2x2xf32>
  %rqflat = tensor.collapse_shape %rqf [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  %rqd = tensor.cast %rqflat : tensor<4xf32> to tensor<?xf32>
  // CHECK: [80,  -10,  20,  20]
  call @print(%rqd) : (tensor<?xf32>) -> ()

  // Binary ops in real arithmetic: lhs reals [1, 2.5], rhs reals [0.5, -1];
  // sum [1.5, 1.5], difference [0.5, 3.5], product [0.5, -2.5], all at
  // scale 0.5 (zero point 0): [3, 3], [1, 7], [1, -5].
  %l_i = arith.constant dense<[2, 5]> : tensor<2xi8>
  %l = quant.scast %l_i : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %r_i = arith.constant dense<[1, -2]> : tensor<2xi8>
  %r = quant.scast %r_i : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %sum = qfhe.add %l, %r : tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %dif = qfhe.sub %l, %r : tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %pro = qfhe.mul %l, %r : tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %all = tensor.concat dim(0) %sum, %dif, %pro : (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<6x!quant.uniform<i8:f32, 0.5>>
  %all_s = quant.scast %all : tensor<6x!quant.uniform<i8:f32, 0.5>> to tensor<6xi8>
  %all_1 = quant.scast %all_s : tensor<6xi8> to tensor<6x!quant.uniform<i8:f32, 1.0>>
  %allf = qfhe.dequantize %all_1 : tensor<6x!quant.uniform<i8:f32, 1.0>> -> tensor<6xf32>
  %alld = tensor.cast %allf : tensor<6xf32> to tensor<?xf32>
  // CHECK: [3,  3,  1,  7,  1,  -5]
  call @print(%alld) : (tensor<?xf32>) -> ()
  return
}
