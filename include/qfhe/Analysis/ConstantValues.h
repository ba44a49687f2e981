//===- ConstantValues.h - the elements of constant tensors ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Reading the elements of constant tensors (weights, biases, tables) as
// numbers, fast for the element types programs hold (f32, f64, byte-sized
// integers): the range analysis, the allocator and the quantizer read
// millions of weights.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_CONSTANTVALUES_H
#define QFHE_ANALYSIS_CONSTANTVALUES_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir {
namespace qfhe {

/// The elements of `attr` as doubles, in row-major order (empty if not a
/// float or integer elements attribute). Splats are expanded.
SmallVector<double> getElementsAsDoubles(ElementsAttr attr);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_CONSTANTVALUES_H
