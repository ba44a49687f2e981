//===- Progress.h - progress of long stages on standard error ---*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A line on standard error saying how far a long stage is ("qfhe-allocate-
// bits: 12/40 candidates measured, 3.1 s"): the measured allocation
// search, quant-run's sample loop. By default it shows only on a terminal,
// and only once the stage has lasted a second; QFHE_PROGRESS=1 shows it
// anywhere (one line per update, at most one a second, and a last line),
// QFHE_PROGRESS=0 or a tool's --quiet never.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_PROGRESS_H
#define QFHE_SUPPORT_PROGRESS_H

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace mlir {
namespace qfhe {

/// When progress lines are shown.
enum class ProgressMode {
  /// On a terminal (standard error displayed), unless QFHE_PROGRESS says
  /// otherwise: 1 shows them anywhere, 0 never.
  Auto,
  /// Always (a tool's --progress).
  Always,
  /// Never (a tool's --quiet).
  Never,
};

/// Sets the mode of the process (tools set it from their command line).
void setProgressMode(ProgressMode mode);

/// Whether an in-place progress line is on standard error now, without its
/// newline (a message must first end it). Async-signal-safe.
bool isProgressLineShown();

/// How a progress line is written.
enum class ProgressStyle {
  /// Not at all.
  Off,
  /// Rewritten in place (carriage return), once the stage lasted a second,
  /// at most five times a second, erased at the end.
  InPlace,
  /// One line per update, at most one a second, and one at the end.
  Lines,
};

/// The style the process' mode and standard error give.
ProgressStyle getProgressStyle();

/// The progress of one stage, counted in `unit` ("candidates measured",
/// "samples").
class ProgressLine {
public:
  /// A line in the process' style on standard error.
  ProgressLine(std::string stage, std::string unit);
  /// A line in `style` on `os` (for tests).
  ProgressLine(std::string stage, std::string unit, ProgressStyle style,
               llvm::raw_ostream &os);
  /// Ends the line (see finish).
  ~ProgressLine();

  /// `done` of `total` units are done (`total` < 0: unknown).
  void update(int64_t done, int64_t total = -1);
  /// The stage is over: erases the line (InPlace) or prints the last one
  /// (Lines, when anything was counted). Later calls do nothing.
  void finish();

  /// The text of the line for `done` of `total` after `seconds`.
  std::string format(int64_t done, int64_t total, double seconds) const;

private:
  double elapsed() const;
  void print(const std::string &text, bool last);

  std::string stage, unit;
  ProgressStyle style;
  llvm::raw_ostream &os;
  std::chrono::steady_clock::time_point start;
  double lastPrint = -1;
  int64_t lastDone = -1, lastTotal = -1;
  size_t width = 0;
  bool finished = false;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_PROGRESS_H
