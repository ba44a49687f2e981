//===- ParserWorkarounds.h - inputs MLIR 22's parser crashes on -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Inputs that crash MLIR 22's linalg parsers, which the qfhe tools look for,
// token by token as MLIR's lexer sees the text, before they hand the text to
// the parser (fuzzing found them; the libraries are Debian's, so the fix
// cannot go there):
//
// - linalg.transpose (`permutation = [...]`), linalg.broadcast and
//   linalg.reduce (`dimensions = [...]`) read the list with
//   DenseI64ArrayAttr::parse and store its result unchecked: when the list
//   does not parse (no `[`, an element that is not an integer or does not
//   fit in 64 bits, no `,` or `]` after an element), the parser reports an
//   error and then dereferences the null attribute in NamedAttrList::set.
//   `permutation = [x1, 0]` or `dimensions = 1` take down mlir-opt itself.
// - The short forms `linalg.map { op } ins(...) outs(...)` and
//   `linalg.reduce { op } ...` build their body from the element types of
//   the operands, cast unchecked to ShapedType (a null dereference for `f32`),
//   and linalg.reduce takes its last operand even when it has none.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_PARSERWORKAROUNDS_H
#define QFHE_SUPPORT_PARSERWORKAROUNDS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace llvm {
class MemoryBufferRef;
} // namespace llvm

namespace mlir {
namespace qfhe {

/// Where MLIR 22's linalg parsers would crash on a text, and why.
struct LinalgParserCrashSite {
  /// The offset in the text of the first token at fault (the end of the
  /// text when a list is cut short).
  size_t offset;
  /// What was expected there, naming the attribute or the op.
  std::string message;
};

/// The first place in `text` where MLIR 22's linalg parsers would crash (see
/// above), if any: a `permutation = ...` or `dimensions = ...` outside
/// comments, strings and attribute dictionaries whose value is not a list of
/// integers that MLIR reads as 64-bit, or a short form of linalg.map or
/// linalg.reduce with an operand that is not shaped (or none).
std::optional<LinalgParserCrashSite>
findLinalgParserCrashSite(llvm::StringRef text);

/// Reports the first such place of `buffer` as an error at its location
/// (file:line:col, on standard error); returns whether there was one.
bool reportLinalgParserCrashSite(llvm::MemoryBufferRef buffer);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_PARSERWORKAROUNDS_H
