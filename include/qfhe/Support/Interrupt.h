//===- Interrupt.h - a clean end on Ctrl-C ----------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A search or a compile may take minutes on a large model; Ctrl-C must stop
// it at once, say so, and leave no partial output. The temporary files
// writeOutputFile writes into are registered with LLVM's
// sys::RemoveFileOnSignal; the handler installed here removes them, so an
// existing output is left as it was, then adds the message. A second
// signal while it runs (as `timeout` sends) waits for it.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_INTERRUPT_H
#define QFHE_SUPPORT_INTERRUPT_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace qfhe {

/// Makes an interrupt (SIGINT, SIGTERM, SIGHUP, and LLVM's other interrupt
/// signal SIGUSR2) remove the files registered with
/// llvm::sys::RemoveFileOnSignal and then print "TOOL: interrupted" on
/// standard error, on a line of its own; the process then ends by SIGINT,
/// as a shell expects of an interrupted command. Further signals that
/// arrive meanwhile do not cut the removal short.
void reportInterrupts(llvm::StringRef toolName);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_INTERRUPT_H
