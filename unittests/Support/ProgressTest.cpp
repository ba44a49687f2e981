//===- ProgressTest.cpp - tests of the progress line ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Progress.h"

#include "gtest/gtest.h"

#include <chrono>
#include <thread>

using namespace mlir::qfhe;

namespace {

TEST(Progress, FormatsDoneTotalAndSeconds) {
  std::string out;
  llvm::raw_string_ostream os(out);
  ProgressLine line("qfhe-allocate-bits", "candidates measured",
                    ProgressStyle::Lines, os);
  EXPECT_EQ(line.format(12, 40, 3.14),
            "qfhe-allocate-bits: 12/40 candidates measured, 3.1 s");
  // An unknown total is left out.
  EXPECT_EQ(line.format(7, -1, 0.0), "qfhe-allocate-bits: 7 candidates "
                                     "measured, 0.0 s");
}

TEST(Progress, OffPrintsNothing) {
  std::string out;
  llvm::raw_string_ostream os(out);
  {
    ProgressLine line("quant-run", "samples", ProgressStyle::Off, os);
    line.update(1, 2);
    line.update(2, 2);
    line.finish();
  }
  EXPECT_EQ(out, "");
}

TEST(Progress, LinesPrintFirstUpdateAndLastLine) {
  std::string out;
  llvm::raw_string_ostream os(out);
  ProgressLine line("quant-run", "samples", ProgressStyle::Lines, os);
  line.update(1, 4);
  // Within a second of the first line: not printed.
  line.update(2, 4);
  line.update(4, 4);
  line.finish();
  // Later calls do nothing.
  line.update(5, 4);
  line.finish();
  llvm::StringRef text(out);
  EXPECT_TRUE(text.starts_with("quant-run: 1/4 samples, "));
  EXPECT_EQ(text.count('\n'), 2u);
  EXPECT_TRUE(text.contains("quant-run: 4/4 samples, "));
  EXPECT_TRUE(text.ends_with(" s (done)\n"));
  EXPECT_FALSE(text.contains("2/4"));
}

TEST(Progress, LinesWithoutUpdatePrintNothing) {
  std::string out;
  llvm::raw_string_ostream os(out);
  {
    ProgressLine line("quant-run", "samples", ProgressStyle::Lines, os);
  }
  EXPECT_EQ(out, "");
}

TEST(Progress, InPlaceWaitsASecondThenErasesItsLine) {
  std::string out;
  llvm::raw_string_ostream os(out);
  ProgressLine line("quant-run", "samples", ProgressStyle::InPlace, os);
  line.update(1, 3);
  EXPECT_EQ(out, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  line.update(2, 3);
  llvm::StringRef text(out);
  EXPECT_TRUE(text.starts_with("\rquant-run: 2/3 samples, 1."));
  size_t printed = out.size();
  line.finish();
  // The line is blanked and the cursor back at its start.
  llvm::StringRef erase = llvm::StringRef(out).drop_front(printed);
  EXPECT_TRUE(erase.starts_with("\r"));
  EXPECT_TRUE(erase.ends_with("\r"));
  EXPECT_EQ(erase.trim(" \r"), "");
  EXPECT_GE(erase.size(), printed);
}

TEST(Progress, NeverModeIsOff) {
  setProgressMode(ProgressMode::Never);
  EXPECT_EQ(getProgressStyle(), ProgressStyle::Off);
  setProgressMode(ProgressMode::Always);
  EXPECT_NE(getProgressStyle(), ProgressStyle::Off);
  setProgressMode(ProgressMode::Auto);
}

} // namespace
