//===- OutputFile.h - write output files whole or not at all ----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Every file a qfhe tool or pass writes (programs, .npy arrays, reports)
// goes through writeOutputFile: a write that fails is an error naming the
// file, never a crash, and never leaves a partly written file in place of
// an existing one.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_OUTPUTFILE_H
#define QFHE_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
namespace qfhe {

/// Writes a file with `write`. `-` is standard output. A regular file (new
/// or existing) is written to a temporary file in the same directory, which
/// replaces it only when `write` succeeded and every byte reached the disk;
/// other existing files (devices, pipes) are written in place. Returns the
/// error of `write` unchanged, or "cannot write 'PATH': REASON" when the
/// file cannot be created or written (a missing directory, no permission, a
/// full disk).
llvm::Error
writeOutputFile(llvm::StringRef path,
                llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);

/// Checks, before any work, that `path` can be created: `-`, or a file
/// whose directory exists. Returns "cannot write 'PATH': REASON" otherwise.
llvm::Error checkOutputPath(llvm::StringRef path);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_OUTPUTFILE_H
