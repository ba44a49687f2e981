// A generic that only copies its input through a broadcasting map (the
// importer's ONNX Expand, in F.normalize: x / expand(norm)) is read through
// that map by the elementwise generics of two tensors that use it: the
// division becomes a product by the reciprocal of the [?, 1] norm, once per
// row. A function of one tensor (the tanh) keeps reading the copy, which
// becomes a linalg.broadcast (data movement the quantizer takes).
// RUN: quant-opt %s --qfhe-normalize | FileCheck %s
// RUN: quant-opt %s --qfhe-normalize --qfhe-quantize | FileCheck %s --check-prefix=QUANTIZED

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0, 0)>
func.func @copies(%x: tensor<?x4xf32> {qfhe.range = array<f64: -1.0, 1.0>},
                  %n: tensor<?x1xf32> {qfhe.range = array<f64: 0.5, 2.0>})
    -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %b = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%b) : tensor<?x4xf32>
  %wide = linalg.generic {indexing_maps = [#row, #id],
                          iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<?x1xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x4xf32>
  %q = linalg.generic {indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %wide : tensor<?x4xf32>, tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %d: f32, %out: f32):
    %r = arith.divf %a, %d : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  %t = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%wide : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.tanh %a : f32
    linalg.yield %r : f32
  } -> tensor<?x4xf32>
  return %q, %t : tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @copies(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?x4xf32> {{.*}}, %[[N:[^:]*]]: tensor<?x1xf32>
// The tanh's copy becomes a broadcast of the norm; the reciprocal of the
// norm is taken in its own shape, then broadcast for the product.
// CHECK:         %[[WIDE:.*]] = linalg.broadcast
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[N]] : tensor<?x1xf32>) outs(%{{.*}} : tensor<?x1xf32>)
// CHECK:           arith.divf
// CHECK:         %[[FLAT:.*]] = tensor.collapse_shape %[[R]]
// CHECK:         %[[RWIDE:.*]] = linalg.broadcast ins(%[[FLAT]]
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %[[RWIDE]] : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK:           arith.mulf
// CHECK:         linalg.generic {{.*}} ins(%[[WIDE]] : tensor<?x4xf32>)
// CHECK:           math.tanh
// CHECK-NOT:     arith.divf

// The quantizer takes the program: the product of x and the broadcast
// reciprocal is encrypted (functions of the inputs alone stay on the
// client, in float).
// QUANTIZED-LABEL: func.func @copies(
// QUANTIZED:       %[[B:.*]] = linalg.broadcast
// QUANTIZED:       %[[Q:.*]] = qfhe.quantize %[[B]]
// QUANTIZED:       qfhe.mul %{{.*}}, %[[Q]]
