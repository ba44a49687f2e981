//===- OptionRangesTest.cpp - tests of the option checks ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/OptionRanges.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir::qfhe;

namespace {

TEST(OptionRanges, ValuesInsideTheRangesPass) {
  OptionChecker checker;
  checker.bitWidths(2, 0)
      .bitWidths(32, 16)
      .bitWidths(8, 2)
      .inRange("weight-bits", 16, kWeightBitsRange)
      .powerOfTwo("max-chunks", 1, kChunksRange)
      .powerOfTwo("max-chunks", 1024, kChunksRange)
      .oneOf("strategy", "uniform", {"a2q", "uniform"})
      .inRealRange("cost-tolerance", -1, -1, 1000)
      .inRealRange("cost-tolerance", 1000, -1, 1000)
      .inRealRange("max-cost", 0, 0, HUGE_VAL)
      .inRealRange("max-cost", HUGE_VAL, 0, HUGE_VAL)
      .needs("max-cost", false, "calibration-data", false, "unused")
      .needs("max-cost", true, "calibration-data", true, "given");
  EXPECT_TRUE(checker.ok()) << checker.getMessage();
  EXPECT_EQ(checker.getMessage(), "");
}

TEST(OptionRanges, MessagesGiveTheValueAndTheRange) {
  auto message = [](auto check) {
    OptionChecker checker;
    check(checker);
    EXPECT_FALSE(checker.ok());
    return checker.getMessage();
  };
  EXPECT_EQ(message([](OptionChecker &c) { c.bitWidths(40, 0); }),
            "max-bit-width=40 is outside [2, 32]");
  EXPECT_EQ(message([](OptionChecker &c) { c.bitWidths(1, 0); }),
            "max-bit-width=1 is outside [2, 32]");
  EXPECT_EQ(message([](OptionChecker &c) { c.bitWidths(24, 17); }),
            "tlu-bit-width=17 is outside [2, 16]");
  EXPECT_EQ(message([](OptionChecker &c) { c.bitWidths(8, 1); }),
            "tlu-bit-width=1 is outside [2, 16]");
  EXPECT_EQ(message([](OptionChecker &c) { c.bitWidths(8, 9); }),
            "tlu-bit-width=9 is above max-bit-width=8: a lookup input is an "
            "encrypted value under the cap");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.powerOfTwo("max-chunks", 0, kChunksRange);
            }),
            "max-chunks=0 is outside [1, 1024]");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.powerOfTwo("max-chunks", 6, kChunksRange);
            }),
            "max-chunks=6 is not a power of two (1, 2, 4, ... 1024)");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.oneOf("strategy", "best", {"a2q", "uniform"});
            }),
            "strategy='best' is not one of a2q, uniform");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.inRealRange("cost-tolerance", 1000.5, -1, 1000);
            }),
            "cost-tolerance=1000.5 is outside [-1, 1000]");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.inRealRange("max-cost", -0.25, 0, HUGE_VAL);
            }),
            "max-cost=-0.25 is outside [0, inf]");
  EXPECT_EQ(message([](OptionChecker &c) {
              c.needs("max-cost", true, "calibration-data", false, "why");
            }),
            "max-cost needs calibration-data (why)");
  // NaN compares false with everything: it is outside every range.
  EXPECT_EQ(message([](OptionChecker &c) {
              c.inRealRange("max-cost", NAN, 0, HUGE_VAL);
            }),
            "max-cost=nan is outside [0, inf]");
}

TEST(OptionRanges, EveryProblemIsListed) {
  OptionChecker checker;
  checker.bitWidths(0, 0).inRange("weight-bits", 1, kWeightBitsRange);
  EXPECT_EQ(checker.getMessage(), "max-bit-width=0 is outside [2, 32]; "
                                  "weight-bits=1 is outside [2, 16]");
}

TEST(OptionRanges, TheDefaultLookupWidthIsTheCapUpTo16) {
  EXPECT_EQ(getDefaultTluBitWidth(6), 6u);
  EXPECT_EQ(getDefaultTluBitWidth(16), 16u);
  EXPECT_EQ(getDefaultTluBitWidth(24), 16u);
  EXPECT_EQ(getTluBitWidth(24, 0), 16u);
  EXPECT_EQ(getTluBitWidth(24, 10), 10u);
}

TEST(OptionRanges, FittedLookupsHoldAtMost2To24TableEntries) {
  // 256 channels x 2^16 entries is exactly 2^24; one more channel is not.
  EXPECT_EQ(getFittedLookupBits(16, 256), 16u);
  EXPECT_EQ(getFittedLookupBits(16, 257), 15u);
  EXPECT_EQ(getFittedLookupBits(16, 1024), 14u);
  EXPECT_EQ(getFittedLookupBits(16, 2048), 13u);
  // Never wider than asked; no channel count counts as one.
  EXPECT_EQ(getFittedLookupBits(8, 1024), 8u);
  EXPECT_EQ(getFittedLookupBits(16, 1), 16u);
  EXPECT_EQ(getFittedLookupBits(16, 0), 16u);
  // 2^23 channels fit 1-bit lookups; 2^24 fit no lookup of 1 bit or more.
  EXPECT_EQ(getFittedLookupBits(16, int64_t(1) << 23), 1u);
  EXPECT_EQ(getFittedLookupBits(16, int64_t(1) << 24), 0u);
  EXPECT_EQ(getFittedLookupBits(16, (int64_t(1) << 24) + 1), 0u);
  EXPECT_EQ(getFittedLookupBits(16, INT64_MAX), 0u);
}

TEST(OptionRanges, FilesAreCheckedBeforeAnyWork) {
  llvm::SmallString<128> directory;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qfhe-options", directory));
  llvm::SmallString<128> missing(directory);
  llvm::sys::path::append(missing, "none", "x.npy");

  OptionChecker inputs;
  inputs.inputFile("calibration-data", "")
      .inputFile("calibration-data", missing)
      .inputFile("calibration-data", directory);
  EXPECT_EQ(inputs.getMessage(),
            ("calibration-data: cannot read '" + missing +
             "': No such file or directory; calibration-data: cannot read '" +
             directory + "': it is a directory")
                .str());

  OptionChecker outputs;
  llvm::SmallString<128> fine(directory);
  llvm::sys::path::append(fine, "report.json");
  outputs.outputFile("report", "")
      .outputFile("report", "-")
      .outputFile("report", fine);
  EXPECT_TRUE(outputs.ok()) << outputs.getMessage();
  outputs.outputFile("report", missing);
  EXPECT_EQ(outputs.getMessage(),
            ("report: cannot write '" + missing + "': directory '" +
             llvm::sys::path::parent_path(missing) + "' does not exist")
                .str());
  llvm::sys::fs::remove_directories(directory);
}

} // namespace
