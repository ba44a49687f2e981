//===- Interrupt.cpp - a clean end on Ctrl-C ------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The message is written from the signal handler, so it is formatted
// beforehand and written with write(2) (async-signal-safe), as are the
// progress flag (a lock-free atomic), sigaction, pthread_sigmask and raise.
//
// SIGINT, SIGTERM and SIGHUP get a handler of their own rather than LLVM's:
// LLVM installs its handler with SA_RESETHAND | SA_NODEFER, so a second
// signal that arrives while it runs takes the default action and ends the
// process before the temporary files are removed. `timeout` sends its
// signal twice, to the command and to its process group: about one run in
// seven of interrupt.test under load ended that way, silent, with
// out.mlir.tmp-* left behind. This handler blocks the three signals while
// it runs, removes the files (sys::RunInterruptHandlers), says so, and
// only then lets the process end.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Interrupt.h"

#include "qfhe/Support/Progress.h"

#include "llvm/Support/Signals.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <pthread.h>
#include <signal.h>
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

/// The signals this handles (LLVM's other interrupt signal, SIGUSR2, stays
/// with LLVM's handler and onInterrupt).
constexpr int kHandledSignals[] = {SIGINT, SIGTERM, SIGHUP};

/// Prints the message and ends the process by SIGINT (with the shell's
/// status of an interrupted command if SIGINT cannot end it).
[[noreturn]] void reportAndEnd() {
  // An in-place progress line has no newline yet.
  if (mlir::qfhe::isProgressLineShown())
    writeToStandardError("\n", 1);
  writeToStandardError(message, messageSize);
  struct sigaction defaultAction;
  std::memset(&defaultAction, 0, sizeof(defaultAction));
  defaultAction.sa_handler = SIG_DFL;
  sigemptyset(&defaultAction.sa_mask);
  ::sigaction(SIGINT, &defaultAction, nullptr);
  std::raise(SIGINT);
  // Blocked while the handler runs: pending now, delivered on unblocking.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  ::pthread_sigmask(SIG_UNBLOCK, &interrupt, nullptr);
  ::_exit(128 + SIGINT);
}

/// The handler of kHandledSignals: they are blocked while it runs.
void onInterruptSignal(int) {
  llvm::sys::RunInterruptHandlers();
  reportAndEnd();
}

/// Called by LLVM's handler of SIGUSR2, after it removed the files
/// registered with RemoveFileOnSignal and restored the default handlers.
void onInterrupt() { reportAndEnd(); }

} // namespace

void mlir::qfhe::reportInterrupts(llvm::StringRef toolName) {
  static constexpr llvm::StringLiteral suffix = ": interrupted\n";
  size_t nameSize = std::min(toolName.size(), sizeof(message) - suffix.size());
  std::memcpy(message, toolName.data(), nameSize);
  std::memcpy(message + nameSize, suffix.data(), suffix.size());
  messageSize = nameSize + suffix.size();
  // Installs LLVM's handlers (once per process), so that none replaces the
  // ones below later.
  llvm::sys::SetInterruptFunction(onInterrupt);
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = onInterruptSignal;
  action.sa_flags = SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int signal : kHandledSignals)
    sigaddset(&action.sa_mask, signal);
  for (int signal : kHandledSignals)
    ::sigaction(signal, &action, nullptr);
}
