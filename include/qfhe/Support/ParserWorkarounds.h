//===- ParserWorkarounds.h - inputs MLIR 22's parser crashes on -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// MLIR 22's custom parsers of linalg.transpose (`permutation = [...]`),
// linalg.broadcast and linalg.reduce (`dimensions = [...]`) store a null
// attribute when the list is not made of integers, and then crash
// (NamedAttrList::set dereferences it): `permutation = [x1, 0]` takes down
// mlir-opt itself. The qfhe tools check their input for such a list before
// they hand it to the parser (fuzzing found it; the libraries are
// Debian's, so the fix cannot go there).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_PARSERWORKAROUNDS_H
#define QFHE_SUPPORT_PARSERWORKAROUNDS_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace llvm {
class MemoryBufferRef;
} // namespace llvm

namespace mlir {
namespace qfhe {

/// The offset in `text` of the first `permutation = [...]` or
/// `dimensions = [...]` list after a `)` (the custom syntax of the linalg
/// ops above) whose elements are not all integers, if any.
std::optional<size_t> findMalformedLinalgIntegerList(llvm::StringRef text);

/// Reports the first such list of `buffer` as an error at its location
/// (file:line:col, on standard error); returns whether there was one.
bool reportMalformedLinalgIntegerList(llvm::MemoryBufferRef buffer);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_PARSERWORKAROUNDS_H
