//===- NormalizeFrontEnd.h - front ends' forms into qfhe's ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_NORMALIZEFRONTEND_H
#define QFHE_LIB_TRANSFORMS_NORMALIZEFRONTEND_H

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {

/// Patterns that bring torch-mlir's and TOSA's forms of ordinary layers into
/// the forms the quantizer knows: dense_resource constants inlined,
/// transposes of constants folded, matmuls with transposing maps made plain,
/// batch matmuls by one constant matrix made 2-D.
void populateFrontEndFormPatterns(RewritePatternSet &patterns);

/// Applies them under `root`; reports (and fails on) constants whose
/// resource data is missing.
LogicalResult normalizeFrontEndForms(Operation *root);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_NORMALIZEFRONTEND_H
