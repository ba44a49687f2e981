//===- ShapeFormat.h - shapes and indices in messages -----------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Shapes and element positions written as NumPy writes them, for messages of
// the compiler and the runtime alike.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_SHAPEFORMAT_H
#define QFHE_SUPPORT_SHAPEFORMAT_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace mlir {
namespace qfhe {

/// Formats a shape as NumPy prints it in messages: `[360, 64]`, `[]`.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Formats the position of element `flatIndex` (in C order) of an array of
/// `shape` as NumPy indexes it: `[3, 17]`.
std::string formatIndex(llvm::ArrayRef<int64_t> shape, int64_t flatIndex);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_SHAPEFORMAT_H
