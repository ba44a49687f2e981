//===- EntryParsing.cpp - `key = value` entries of qfhe attributes --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "EntryParsing.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

ParseResult qfhe::parseEntryKey(AsmParser &parser, ArrayRef<StringLiteral> keys,
                                StringRef mnemonic, llvm::StringSet<> &seen,
                                StringRef &key) {
  SMLoc keyLoc = parser.getCurrentLocation();
  if (parser.parseKeyword(&key))
    return failure();
  if (!llvm::is_contained(keys, key)) {
    InFlightDiagnostic error = parser.emitError(keyLoc)
                               << "unknown key '" << key << "' in #qfhe."
                               << mnemonic << "; expected one of ";
    llvm::interleaveComma(keys, error);
    return error;
  }
  if (!seen.insert(key).second)
    return parser.emitError(keyLoc)
           << "'" << key << "' appears twice in #qfhe." << mnemonic;
  return parser.parseEqual();
}
