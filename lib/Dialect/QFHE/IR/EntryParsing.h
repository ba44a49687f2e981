//===- EntryParsing.h - `key = value` entries of qfhe attributes -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The attributes written `#qfhe.<mnemonic><key = value, ...>` with keys in
// any order (#qfhe.observed, #qfhe.allocation) parse each entry's key here.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_DIALECT_QFHE_IR_ENTRYPARSING_H
#define QFHE_LIB_DIALECT_QFHE_IR_ENTRYPARSING_H

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringSet.h"

namespace mlir {
namespace qfhe {

/// Parses `key =`, the start of one entry of `#qfhe.<mnemonic><...>`: a
/// keyword among `keys` that is not in `seen` (it is added). An unknown key
/// is an error that lists `keys`; a repeated one is an error too.
ParseResult parseEntryKey(AsmParser &parser, ArrayRef<StringLiteral> keys,
                          StringRef mnemonic, llvm::StringSet<> &seen,
                          StringRef &key);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_DIALECT_QFHE_IR_ENTRYPARSING_H
