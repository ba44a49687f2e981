//===- Interrupt.h - a clean end on Ctrl-C ----------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A search or a compile may take minutes on a large model; Ctrl-C must stop
// it at once, say so, and leave no partial output. LLVM's signal handler
// already removes the temporary files writeOutputFile writes into
// (sys::fs::TempFile registers them), so an existing output is left as it
// was; this adds the message.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_INTERRUPT_H
#define QFHE_SUPPORT_INTERRUPT_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace qfhe {

/// Makes an interrupt (SIGINT, and LLVM's other interrupt signals SIGTERM,
/// SIGHUP and SIGUSR2) print "TOOL: interrupted" on
/// standard error, on a line of its own, once LLVM removed the temporary
/// output files; the process then ends by SIGINT, as a shell expects of an
/// interrupted command.
void reportInterrupts(llvm::StringRef toolName);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_INTERRUPT_H
