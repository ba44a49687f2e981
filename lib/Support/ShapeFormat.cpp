//===- ShapeFormat.cpp - shapes and indices in messages -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ShapeFormat.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

std::string mlir::qfhe::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

std::string mlir::qfhe::formatIndex(llvm::ArrayRef<int64_t> shape,
                                    int64_t flatIndex) {
  llvm::SmallVector<int64_t, 4> index(shape.size());
  for (size_t dim = shape.size(); dim-- > 0;) {
    index[dim] = flatIndex % shape[dim];
    flatIndex /= shape[dim];
  }
  return formatShape(index);
}
