//===- TensorBuilders.h - small tensor IR builders --------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Builders of tensor IR that the lowerings of several passes share.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_UTILS_TENSORBUILDERS_H
#define QFHE_DIALECT_QFHE_UTILS_TENSORBUILDERS_H

#include "mlir/IR/Builders.h"

namespace mlir {
namespace qfhe {

/// A slice of the ranked `tensor` taking [begin, end) along `dim` and
/// everything along the other dimensions (tensor.extract_slice).
Value sliceAlong(OpBuilder &b, Location loc, Value tensor, int64_t dim,
                 int64_t begin, int64_t end);

/// The elementwise sum of two ranked tensors of the same shape
/// (linalg.add), of element type `elementType`.
Value addTensors(OpBuilder &b, Location loc, Value lhs, Value rhs,
                 Type elementType);

/// `input` (NCHW, integer elements) padded on its spatial dimensions by
/// `padding` ([top, left, bottom, right]) with `value`; `input` itself
/// when there is no padding.
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padding, int64_t value);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_DIALECT_QFHE_UTILS_TENSORBUILDERS_H
