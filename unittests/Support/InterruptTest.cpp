//===- InterruptTest.cpp - tests of reportInterrupts ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// An interrupt that arrives while an output is half written: the process
// (a death test's child) says so and dies of SIGINT, and neither the output
// nor its temporary file is left. The child interrupts itself, so nothing
// here depends on timing.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Interrupt.h"
#include "qfhe/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <csignal>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace mlir::qfhe;

namespace {

/// The names of the entries of `directory`.
std::vector<std::string> listDirectory(llvm::StringRef directory) {
  std::vector<std::string> names;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error))
    names.push_back(llvm::sys::path::filename(it->path()).str());
  return names;
}

/// In a death test's child: writes part of `text` to `path` through
/// writeOutputFile, then interrupts itself.
void interruptWhileWriting(llvm::StringRef path, llvm::StringRef text) {
  reportInterrupts("quant-test");
  (void)writeOutputFile(path, [&](llvm::raw_ostream &os) -> llvm::Error {
    os << text;
    os.flush();
    std::raise(SIGINT);
    return llvm::Error::success();
  });
  std::exit(0);
}

/// The environment variable through which a death test's child finds the
/// directory its parent made.
constexpr const char *kDirectoryVariable = "QFHE_INTERRUPT_TEST_DIRECTORY";

TEST(InterruptDeathTest, SaysSoAndLeavesNoPartialOutput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // A "threadsafe" death test's child runs this test again from the start:
  // it must write into the parent's directory (the one checked below), not
  // make one of its own.
  // The parent passes "<its pid> <directory>"; a value from anywhere else
  // (another process's) is not the parent's, and is replaced.
  llvm::SmallString<128> directory;
  std::string parent = std::to_string(::getppid()) + " ";
  const char *inherited = std::getenv(kDirectoryVariable);
  if (inherited && llvm::StringRef(inherited).starts_with(parent)) {
    directory = llvm::StringRef(inherited).drop_front(parent.size());
  } else {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("qfhe-interrupt", directory));
    std::string value =
        std::to_string(::getpid()) + " " + directory.str().str();
    ASSERT_EQ(::setenv(kDirectoryVariable, value.c_str(), 1), 0);
  }
  llvm::SmallString<128> path(directory);
  llvm::sys::path::append(path, "out.mlir");

  EXPECT_EXIT(interruptWhileWriting(path, "module {\n"),
              ::testing::KilledBySignal(SIGINT), "quant-test: interrupted");
  EXPECT_EQ(listDirectory(directory), std::vector<std::string>());

  // An existing output is left as it was.
  {
    std::error_code error;
    llvm::raw_fd_ostream previous(path, error);
    ASSERT_FALSE(error);
    previous << "previous";
  }
  EXPECT_EXIT(interruptWhileWriting(path, "new"),
              ::testing::KilledBySignal(SIGINT), "quant-test: interrupted");
  EXPECT_EQ(listDirectory(directory), std::vector<std::string>{"out.mlir"});
  auto contents = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(contents);
  EXPECT_EQ((*contents)->getBuffer(), "previous");
  llvm::sys::fs::remove_directories(directory);
  ::unsetenv(kDirectoryVariable);
}

/// In a death test's child: exits with 0 when each interrupt signal's
/// handler keeps handling and blocks the three signals while it runs (so
/// that a second one, as `timeout` sends to the process and its group,
/// cannot end the process before the files are removed), else with the
/// number of the first signal that does not.
void checkHandlersBlockFurtherInterrupts() {
  reportInterrupts("quant-test");
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction action;
    if (::sigaction(signal, nullptr, &action) != 0 ||
        action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN ||
        (action.sa_flags & (SA_RESETHAND | SA_NODEFER)) ||
        !sigismember(&action.sa_mask, SIGINT) ||
        !sigismember(&action.sa_mask, SIGTERM) ||
        !sigismember(&action.sa_mask, SIGHUP))
      std::_Exit(signal);
  }
  std::_Exit(0);
}

TEST(InterruptDeathTest, ASecondSignalWaitsForTheCleanUp) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(checkHandlersBlockFurtherInterrupts(),
              ::testing::ExitedWithCode(0), "");
}

} // namespace
