// Programs the qfhe-lower-to-llvm pipeline must run: results that alias an
// argument or a constant (returned as clones), tosa constants and reshapes,
// and a matmul whose loops qfhe-interchange-reductions reorders.
//
// RUN: quant-opt %s --qfhe-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils%shlibext,%mlir_lib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @passthrough(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %c = arith.constant dense<[[3.0, 4.0]]> : tensor<1x2xf32>
  return %x, %c : tensor<1x2xf32>, tensor<1x2xf32>
}

func.func @tosa(%x: tensor<1x4xf32>) -> tensor<2x2xf32> {
  %c = "tosa.const"() <{values = dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %sum = tosa.add %x, %c : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %shape = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %sum, %shape : (tensor<1x4xf32>, !tosa.shape<2>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%a, %b : tensor<2x3xf32>, tensor<3x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %p:2 = call @passthrough(%x) : (tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>)
  %p0 = tensor.cast %p#0 : tensor<1x2xf32> to tensor<?x?xf32>
  %p1 = tensor.cast %p#1 : tensor<1x2xf32> to tensor<?x?xf32>
  // CHECK: {{\[}}[1,   2]]
  call @print(%p0) : (tensor<?x?xf32>) -> ()
  // CHECK: {{\[}}[3,   4]]
  call @print(%p1) : (tensor<?x?xf32>) -> ()

  %y = arith.constant dense<[[10.0, 20.0, 30.0, 40.0]]> : tensor<1x4xf32>
  %t = call @tosa(%y) : (tensor<1x4xf32>) -> tensor<2x2xf32>
  %t2 = tensor.cast %t : tensor<2x2xf32> to tensor<?x?xf32>
  // CHECK: {{\[}}[11,   22],
  // CHECK-NEXT: [33,   44]]
  call @print(%t2) : (tensor<?x?xf32>) -> ()

  %a = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = arith.constant dense<[[1.0, -1.0], [10.0, -10.0], [100.0, -100.0]]> : tensor<3x2xf32>
  %m = call @matmul(%a, %b) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %m2 = tensor.cast %m : tensor<2x2xf32> to tensor<?x?xf32>
  // CHECK: {{\[}}[321,   -321],
  // CHECK-NEXT: [654,   -654]]
  call @print(%m2) : (tensor<?x?xf32>) -> ()
  return
}
