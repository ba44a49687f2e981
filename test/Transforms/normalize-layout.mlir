// Channels-last programs become channels-first for the quantizer: each NHWC
// convolution or pool is its NCHW form between transposes (constant filters
// transposed at compile time, a broadcast bias added per channel after
// it), transposes sink below elementwise ops and pads, and the pairs
// between layers cancel: one transpose remains at the input and one at the
// output. The float results do not change.

// RUN: quant-opt %S/Inputs/tosa_cnn.mlir --qfhe-normalize | FileCheck %s --check-prefix=TOSA
// RUN: quant-run %S/Inputs/tosa_cnn.mlir --data %S/Inputs/tosa_cnn_x.npy -o %t.tosa.npy
// RUN: quant-opt %S/Inputs/tosa_cnn.mlir --qfhe-normalize -o %t.tosa.mlir
// RUN: quant-run %t.tosa.mlir --data %S/Inputs/tosa_cnn_x.npy --compare %t.tosa.npy --atol 1e-6
// The whole pipeline then quantizes and proves it.
// RUN: quant-opt %S/Inputs/tosa_cnn.mlir --qfhe-pipeline="max-bit-width=8 report=-" -o /dev/null \
// RUN: | FileCheck %s --check-prefix=PROOF

// TOSA-LABEL: func @cnn
// TOSA: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<?x6x6x2xf32>) outs(%{{.*}} : tensor<?x2x6x6xf32>) permutation = [0, 3, 1, 2]
// TOSA: %[[P:.*]] = tensor.pad %[[T]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// TOSA-NOT: linalg.transpose
// TOSA: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %{{.*}} : tensor<?x2x7x6xf32>, tensor<3x2x2x1xf32>)
// TOSA-NOT: linalg.transpose
// TOSA: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x3x6x6xf32>, tensor<3xf32>)
// TOSA: arith.addf
// TOSA-NOT: linalg.transpose
// TOSA: arith.maximumf
// TOSA-NOT: linalg.transpose
// TOSA: linalg.pooling_nchw_max
// TOSA: linalg.transpose ins(%{{.*}} : tensor<?x3x3x3xf32>) outs(%{{.*}} : tensor<?x3x3x3xf32>) permutation = [0, 2, 3, 1]
// TOSA-NOT: linalg.transpose
// TOSA: return

// PROOF: "proven": true

// RUN: quant-opt %S/Inputs/nhwc_ops.mlir --qfhe-normalize | FileCheck %s --check-prefix=LINALG
// RUN: quant-run %S/Inputs/nhwc_ops.mlir --data %S/Inputs/nhwc_x.npy -o %t.nhwc.npy
// RUN: quant-opt %S/Inputs/nhwc_ops.mlir --qfhe-normalize -o %t.nhwc.mlir
// RUN: quant-run %t.nhwc.mlir --data %S/Inputs/nhwc_x.npy --compare %t.nhwc.npy --atol 1e-6
// RUN: quant-opt %S/Inputs/nhwc_ops.mlir --qfhe-pipeline="max-bit-width=8 report=-" -o /dev/null \
// RUN: | FileCheck %s --check-prefix=PROOF

// The HWCF filter w[h][w][c][f] becomes FCHW: filter 0, channel 0 is
// [[w[0][0][0][0], w[0][1][0][0]], [w[1][0][0][0], w[1][1][0][0]]] =
// [[0.5, -0.75], [0.5, 0.25]]; the depthwise HWC filter becomes CHW:
// channel 0 is [[0.5, 0.25], [-0.25, 0.75]].
// LINALG-LABEL: func @nhwc
// LINALG-DAG: arith.constant dense<{{\[\[\[}}[5.000000e-01, -7.500000e-01], [5.000000e-01, 2.500000e-01]], {{.*}} : tensor<3x2x2x2xf32>
// LINALG-DAG: arith.constant dense<{{\[\[}}[5.000000e-01, 2.500000e-01], [-2.500000e-01, 7.500000e-01]], {{.*}} : tensor<3x2x2xf32>
// LINALG: linalg.transpose ins(%arg0 : tensor<?x5x5x2xf32>) {{.*}} permutation = [0, 3, 1, 2]
// LINALG: linalg.conv_2d_nchw_fchw
// LINALG-NOT: linalg.transpose
// LINALG: math.tanh
// LINALG-NOT: linalg.transpose
// LINALG: linalg.depthwise_conv_2d_nchw_chw
// LINALG-NOT: linalg.transpose
// LINALG: linalg.pooling_nchw_sum
// LINALG: linalg.transpose {{.*}} permutation = [0, 2, 3, 1]
// LINALG-NOT: linalg.transpose
