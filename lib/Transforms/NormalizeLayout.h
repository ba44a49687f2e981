//===- NormalizeLayout.h - channels-last ops into channels-first -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_TRANSFORMS_NORMALIZELAYOUT_H
#define QFHE_LIB_TRANSFORMS_NORMALIZELAYOUT_H

#include "mlir/IR/Operation.h"

namespace mlir {
namespace qfhe {

/// Rewrites the NHWC convolutions (constant filters) and pools under `root`
/// into their NCHW forms between transposes, and sinks transposes below
/// elementwise linalg.generic ops so that consecutive layers' transposes
/// cancel.
LogicalResult normalizeChannelsFirst(Operation *root);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_TRANSFORMS_NORMALIZELAYOUT_H
