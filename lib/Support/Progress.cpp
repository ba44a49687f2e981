//===- Progress.cpp - progress of long stages on standard error -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Progress.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qfhe;

static std::atomic<ProgressMode> processMode{ProgressMode::Auto};
static std::atomic<bool> progressLineShown{false};
static_assert(std::atomic<bool>::is_always_lock_free,
              "read from a signal handler");

bool mlir::qfhe::isProgressLineShown() { return progressLineShown; }

void mlir::qfhe::setProgressMode(ProgressMode mode) { processMode = mode; }

ProgressStyle mlir::qfhe::getProgressStyle() {
  bool terminal = llvm::sys::Process::StandardErrIsDisplayed();
  switch (processMode.load()) {
  case ProgressMode::Never:
    return ProgressStyle::Off;
  case ProgressMode::Always:
    return terminal ? ProgressStyle::InPlace : ProgressStyle::Lines;
  case ProgressMode::Auto:
    break;
  }
  if (const char *variable = std::getenv("QFHE_PROGRESS")) {
    if (std::strcmp(variable, "0") == 0)
      return ProgressStyle::Off;
    if (std::strcmp(variable, "1") == 0)
      return terminal ? ProgressStyle::InPlace : ProgressStyle::Lines;
  }
  return terminal ? ProgressStyle::InPlace : ProgressStyle::Off;
}

ProgressLine::ProgressLine(std::string stage, std::string unit)
    : ProgressLine(std::move(stage), std::move(unit), getProgressStyle(),
                   llvm::errs()) {}

ProgressLine::ProgressLine(std::string stage, std::string unit,
                           ProgressStyle style, llvm::raw_ostream &os)
    : stage(std::move(stage)), unit(std::move(unit)), style(style), os(os),
      start(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { finish(); }

double ProgressLine::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string ProgressLine::format(int64_t done, int64_t total,
                                 double seconds) const {
  std::string text;
  llvm::raw_string_ostream line(text);
  line << stage << ": " << done;
  if (total >= 0)
    line << "/" << total;
  line << " " << unit << ", " << llvm::format("%.1f", seconds) << " s";
  return text;
}

void ProgressLine::print(const std::string &text, bool last) {
  if (style == ProgressStyle::Lines) {
    os << text << '\n';
  } else {
    os << '\r' << text;
    // Shorter text leaves the end of the longer line: blank it.
    if (text.size() < width)
      os << std::string(width - text.size(), ' ') << '\r' << text;
    width = std::max(width, text.size());
    if (last)
      os << '\r' << std::string(width, ' ') << '\r';
  }
  os.flush();
  // Only the process' own line on standard error counts.
  if (style == ProgressStyle::InPlace && &os == &llvm::errs())
    progressLineShown = !last;
}

void ProgressLine::update(int64_t done, int64_t total) {
  if (style == ProgressStyle::Off || finished)
    return;
  lastDone = done;
  lastTotal = total;
  double seconds = elapsed();
  bool inPlace = style == ProgressStyle::InPlace;
  if (inPlace && seconds < 1.0)
    return;
  if (lastPrint >= 0 && seconds - lastPrint < (inPlace ? 0.2 : 1.0))
    return;
  lastPrint = seconds;
  print(format(done, total, seconds), false);
}

void ProgressLine::finish() {
  if (finished)
    return;
  finished = true;
  if (style == ProgressStyle::InPlace && lastPrint >= 0)
    print("", true);
  else if (style == ProgressStyle::Lines && lastDone >= 0)
    print(format(lastDone, lastTotal, elapsed()) + " (done)", true);
}
