//===- ClassMetricsTest.cpp - tests of the classifier metrics -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/ClassMetrics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace mlir::qfhe;

namespace {

TEST(ClassDivergence, IdenticalRowsHaveNone) {
  double row[3] = {1.5, -2.0, 0.25};
  double sum = 0;
  addClassDivergence(row, row, 3, sum);
  addClassDivergence(row, row, 1, sum);
  EXPECT_NEAR(sum, 0.0, 1e-15);
  EXPECT_EQ(meanDivergenceOfSum(sum, 2), std::max(sum, 0.0) / 2);
}

TEST(ClassDivergence, MeanIsNeverNegativeAndInfiniteWhenNotFinite) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(meanDivergenceOfSum(0.5, 4), 0.125);
  // Rounding can leave an exact match's sum slightly negative.
  EXPECT_EQ(meanDivergenceOfSum(-1e-17, 4), 0.0);
  EXPECT_EQ(meanDivergenceOfSum(kInf, 4), kInf);
  EXPECT_EQ(meanDivergenceOfSum(std::nan(""), 4), kInf);
}

} // namespace
