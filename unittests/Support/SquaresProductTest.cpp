//===- SquaresProductTest.cpp - products with two lookups -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/SquaresProduct.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir::qfhe;

namespace {

IntegerRange sumOf(IntegerRange x, IntegerRange y) {
  return {x.min + y.min, x.max + y.max};
}
IntegerRange differenceOf(IntegerRange x, IntegerRange y) {
  return {x.min - y.max, x.max - y.min};
}

/// Runs the plan on every pair of x and y: each table entry and the product
/// lie in the plan's ranges, and the product is x * y / 2^drop (exactly
/// when nothing is dropped, within one unit otherwise).
void checkEveryPair(IntegerRange x, IntegerRange y, unsigned width,
                    unsigned expectedDrop) {
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), width);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->drop, expectedDrop);
  EXPECT_LE(getSignedBitWidth(plan->product), width);
  EXPECT_LE(getSignedBitWidth(plan->sumTable), width);
  EXPECT_LE(getSignedBitWidth(plan->differenceTable), width);
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t sumEntry = quarterSquare(a + b, plan->drop) - plan->sumShift;
      int64_t differenceEntry =
          quarterSquare(a - b, plan->drop) - plan->differenceShift;
      ASSERT_TRUE(plan->sumTable.contains(sumEntry)) << a << " " << b;
      ASSERT_TRUE(plan->differenceTable.contains(differenceEntry));
      int64_t p = sumEntry - differenceEntry;
      ASSERT_TRUE(plan->product.contains(p));
      int64_t product = p + plan->sumShift - plan->differenceShift;
      if (plan->drop == 0)
        ASSERT_EQ(product, a * b) << a << " * " << b;
      else
        ASSERT_LE(std::fabs(static_cast<double>(product) -
                            std::ldexp(static_cast<double>(a * b),
                                       -static_cast<int>(plan->drop))),
                  1.0)
            << a << " * " << b;
    }
}

TEST(SquaresProductTest, QuarterSquares) {
  EXPECT_EQ(quarterSquare(0, 0), 0);
  EXPECT_EQ(quarterSquare(3, 0), 2);
  EXPECT_EQ(quarterSquare(-3, 0), 2);
  EXPECT_EQ(quarterSquare(4, 0), 4);
  // 81 / 4 = 20, 20 / 4 = 5 exactly; 30 / 4 = 7.5 rounds up to 8.
  EXPECT_EQ(quarterSquare(9, 2), 5);
  EXPECT_EQ(quarterSquare(11, 2), 8);
}

TEST(SquaresProductTest, ExactWhenTheSquaresFit) {
  // 3-bit signed operands: x * y in [-12, 16], quarter squares up to 16.
  checkEveryPair({-4, 3}, {-4, 3}, 6, 0);
  // Unsigned 4-bit by 2-bit operands: x * y in [0, 45], but the tables'
  // difference is bounded by interval arithmetic, [-28, 109] before
  // centering: 138 values, 8 bits.
  checkEveryPair({0, 15}, {0, 3}, 8, 0);
  checkEveryPair({0, 15}, {0, 3}, 7, 1);
}

TEST(SquaresProductTest, DropsBitsUnderTheCap) {
  // Two 7-bit unsigned operands under an 8-bit cap: the quarter squares
  // reach 16129 (14 bits), so bits are dropped until both tables and their
  // difference fit 8 bits.
  checkEveryPair({0, 127}, {0, 127}, 8, 7);
  // Signed 7-bit operands (a tanh and a linear output): quarter squares up
  // to 4096 and 4032, 32 times too many values for 8 bits.
  checkEveryPair({-64, 63}, {-64, 63}, 8, 5);
}

TEST(SquaresProductTest, ConstantOperands) {
  checkEveryPair({5, 5}, {-3, -3}, 2, 0);
  checkEveryPair({0, 0}, {0, 0}, 2, 0);
}

TEST(SquaresProductTest, RejectsWhatCannotFit) {
  EXPECT_FALSE(planSquaresProduct({0, 10}, {0, 10}, 1).has_value());
  EXPECT_FALSE(planSquaresProduct({3, 2}, {0, 1}, 8).has_value());
  int64_t huge = int64_t(1) << 40;
  EXPECT_FALSE(planSquaresProduct({0, huge}, {0, 1}, 8).has_value());
}

} // namespace
