//===- DecomposeTensorPairs.h - min, max, div of two tensors ----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_DECOMPOSETENSORPAIRS_H
#define QFHE_LIB_TRANSFORMS_DECOMPOSETENSORPAIRS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {

/// Patterns that rewrite an elementwise min, max or division of two
/// non-constant tensors into sums, differences, products and functions of
/// one tensor, the forms the quantizer computes: min(a, b) = a - relu(a -
/// b), max(a, b) = b + relu(a - b), a / b = a * (1 / b).
void populateTensorPairPatterns(RewritePatternSet &patterns);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_DECOMPOSETENSORPAIRS_H
