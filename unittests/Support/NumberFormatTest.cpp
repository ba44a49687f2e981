//===- NumberFormatTest.cpp - real numbers in messages --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/NumberFormat.h"

#include "gtest/gtest.h"

#include <limits>

using mlir::qfhe::formatReal;

TEST(NumberFormat, WritesRealsAsAUserWould) {
  EXPECT_EQ(formatReal(0.8), "0.8");
  EXPECT_EQ(formatReal(1.5), "1.5");
  EXPECT_EQ(formatReal(-0.1), "-0.1");
  EXPECT_EQ(formatReal(0), "0");
  EXPECT_EQ(formatReal(200), "200");
}

TEST(NumberFormat, KeepsTheDigitsAskedFor) {
  EXPECT_EQ(formatReal(0.0283456, 3), "0.0283");
  EXPECT_EQ(formatReal(98.765, 4), "98.77");
  // Six significant digits by default: an exponent past them.
  EXPECT_EQ(formatReal(1234567.0), "1.23457e+06");
  EXPECT_EQ(formatReal(1e-7), "1e-07");
}

TEST(NumberFormat, NamesNonFiniteValues) {
  EXPECT_EQ(formatReal(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(formatReal(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(formatReal(std::numeric_limits<double>::quiet_NaN()), "nan");
  // The widest a double can be still fits.
  EXPECT_EQ(formatReal(-std::numeric_limits<double>::max(), 17),
            "-1.7976931348623157e+308");
}
