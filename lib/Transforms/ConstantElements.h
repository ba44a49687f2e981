//===- ConstantElements.h - rewriting constant tensors ----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Helpers the normalization patterns share: permuting and inlining constant
// tensors, and building transposes.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_CONSTANTELEMENTS_H
#define QFHE_LIB_TRANSFORMS_CONSTANTELEMENTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {

/// `attr` (statically shaped) with its dimensions permuted: result dimension
/// i is dimension perm[i] of `attr`.
DenseElementsAttr transposeElements(DenseElementsAttr attr,
                                    ArrayRef<int64_t> perm);

/// The elements a `dense_resource` attribute holds, as a dense attribute;
/// failure when its blob is missing or does not hold its type's elements.
FailureOr<DenseElementsAttr> inlineResource(DenseResourceElementsAttr attr);

/// `value` transposed by `perm` (a linalg.transpose into a new tensor).
Value createTranspose(PatternRewriter &rewriter, Location loc, Value value,
                      ArrayRef<int64_t> perm);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_CONSTANTELEMENTS_H
