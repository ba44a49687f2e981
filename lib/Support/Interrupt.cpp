//===- Interrupt.cpp - a clean end on Ctrl-C ------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The message is written from the signal handler, so it is formatted
// beforehand and written with write(2) (async-signal-safe), as are the
// progress flag (a lock-free atomic) and raise.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Interrupt.h"

#include "qfhe/Support/Progress.h"

#include "llvm/Support/Signals.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace {

char message[256];
size_t messageSize = 0;

void writeToStandardError(const char *text, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(STDERR_FILENO, text, size);
    if (written <= 0)
      return;
    text += written;
    size -= static_cast<size_t>(written);
  }
}

/// Called by LLVM's handler of the interrupt signals, after it removed the
/// files registered with RemoveFileOnSignal and restored the default
/// handlers.
void onInterrupt() {
  // An in-place progress line has no newline yet.
  if (mlir::qfhe::isProgressLineShown())
    writeToStandardError("\n", 1);
  writeToStandardError(message, messageSize);
  std::signal(SIGINT, SIG_DFL);
  std::raise(SIGINT);
  // SIGINT blocked or ignored: end the process anyway, with the shell's
  // status of an interrupted command.
  ::_exit(128 + SIGINT);
}

} // namespace

void mlir::qfhe::reportInterrupts(llvm::StringRef toolName) {
  static constexpr llvm::StringLiteral suffix = ": interrupted\n";
  size_t nameSize = std::min(toolName.size(), sizeof(message) - suffix.size());
  std::memcpy(message, toolName.data(), nameSize);
  std::memcpy(message + nameSize, suffix.data(), suffix.size());
  messageSize = nameSize + suffix.size();
  llvm::sys::SetInterruptFunction(onInterrupt);
}
