//===- SquaresProductTest.cpp - products with two lookups -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/SquaresProduct.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace mlir::qfhe;

namespace {

IntegerRange sumOf(IntegerRange x, IntegerRange y) {
  return {x.min + y.min, x.max + y.max};
}
IntegerRange differenceOf(IntegerRange x, IntegerRange y) {
  return {x.min - y.max, x.max - y.min};
}

/// Runs the plan on every pair of x and y: each table entry and the product
/// lie in the plan's ranges, and the product is scale * x * y (exactly when
/// the scale is 1, within one unit otherwise). The scale is 1 when
/// `exact`, else in (minScale, maxScale].
void checkEveryPair(IntegerRange x, IntegerRange y, unsigned width, bool exact,
                    double minScale = 0, double maxScale = 1) {
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), width);
  ASSERT_TRUE(plan.has_value());
  if (exact) {
    EXPECT_EQ(plan->scale, 1.0);
  } else {
    EXPECT_GT(plan->scale, minScale);
    EXPECT_LE(plan->scale, maxScale);
  }
  EXPECT_LE(getSignedBitWidth(plan->product), width);
  EXPECT_LE(getSignedBitWidth(plan->sumTable), width);
  EXPECT_LE(getSignedBitWidth(plan->differenceTable), width);
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t sumEntry = quarterSquare(a + b, plan->scale) - plan->sumShift;
      int64_t differenceEntry =
          quarterSquare(a - b, plan->scale) - plan->differenceShift;
      ASSERT_TRUE(plan->sumTable.contains(sumEntry)) << a << " " << b;
      ASSERT_TRUE(plan->differenceTable.contains(differenceEntry));
      int64_t p = sumEntry - differenceEntry;
      ASSERT_TRUE(plan->product.contains(p));
      int64_t product = p + plan->sumShift - plan->differenceShift;
      if (plan->scale == 1.0)
        ASSERT_EQ(product, a * b) << a << " * " << b;
      else
        ASSERT_LE(std::fabs(static_cast<double>(product) -
                            plan->scale * static_cast<double>(a * b)),
                  1.0)
            << a << " * " << b;
    }
}

TEST(SquaresProductTest, QuarterSquares) {
  EXPECT_EQ(quarterSquare(0, 1.0), 0);
  EXPECT_EQ(quarterSquare(3, 1.0), 2);
  EXPECT_EQ(quarterSquare(-3, 1.0), 2);
  EXPECT_EQ(quarterSquare(4, 1.0), 4);
  // 81 / 4 = 20, 20 / 4 = 5 exactly; 30 / 4 = 7.5 rounds up to 8.
  EXPECT_EQ(quarterSquare(9, 0.25), 5);
  EXPECT_EQ(quarterSquare(11, 0.25), 8);
  // 30 * 0.3 = 9 (to nearest), 30 * 0.375 = 11.25 rounds to 11.
  EXPECT_EQ(quarterSquare(-11, 0.3), 9);
  EXPECT_EQ(quarterSquare(11, 0.375), 11);
  // The largest squares: 2^31 squared over 4 is 2^60, exact at scale 1.
  int64_t largest = int64_t(1) << 31;
  EXPECT_EQ(quarterSquare(largest, 1.0), int64_t(1) << 60);
  EXPECT_EQ(quarterSquare(largest, 0.5), int64_t(1) << 59);
}

TEST(SquaresProductTest, QuarterSquaresGrowWithTheMagnitude) {
  for (double scale : {1.0, 0.5, 0.3, 0.0123})
    for (int64_t s = 0; s < 300; ++s) {
      ASSERT_LE(quarterSquare(s, scale), quarterSquare(s + 1, scale));
      ASSERT_EQ(quarterSquare(s, scale), quarterSquare(-s, scale));
    }
}

TEST(SquaresProductTest, ExactWhenTheSquaresFit) {
  // 3-bit signed operands: x * y in [-12, 16], quarter squares up to 16.
  checkEveryPair({-4, 3}, {-4, 3}, 6, true);
  // Unsigned 4-bit by 2-bit operands: x * y in [0, 45], but the tables'
  // difference is bounded by interval arithmetic, [-28, 109] before
  // centering: 138 values, 8 bits.
  checkEveryPair({0, 15}, {0, 3}, 8, true);
  // One bit fewer: scaled, at least by 1/2 (what dropping a bit gives).
  checkEveryPair({0, 15}, {0, 3}, 7, false, 0.5 - 1e-12, 1.0);
}

TEST(SquaresProductTest, ScalesUnderTheCap) {
  // Two 7-bit unsigned operands under an 8-bit cap: the quarter squares
  // reach 16129 (14 bits) and those of the difference 4032. Dropping 7
  // bits fits (the product then spans [-32, 126], 159 of the 256 values);
  // the largest scale that fits is about 1/80, 1.6 times finer.
  checkEveryPair({0, 127}, {0, 127}, 8, false, 1.0 / 84, 1.0 / 76);
  // Signed 7-bit operands (a tanh and a linear output): quarter squares up
  // to 4096 and 4032, 32 times too many values for 8 bits; dropping 5 bits
  // fits, a larger scale does not by much.
  checkEveryPair({-64, 63}, {-64, 63}, 8, false, 1.0 / 32 - 1e-12, 1.0 / 31);
}

TEST(SquaresProductTest, TheLargestScaleThatFits) {
  // The plan's scale fits, and 1% more does not: the product's interval
  // (both tables start at quarterSquare(0) = 0) would then hold more than
  // the 256 values of 8 bits.
  IntegerRange x{0, 127}, y{0, 127};
  IntegerRange sum = sumOf(x, y), difference = differenceOf(x, y);
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sum, difference, 8);
  ASSERT_TRUE(plan.has_value());
  double larger = plan->scale * 1.01;
  int64_t values = quarterSquare(sum.max, larger) +
                   quarterSquare(difference.max, larger) + 1;
  EXPECT_GT(values, 256);
}

TEST(SquaresProductTest, ConstantOperands) {
  checkEveryPair({5, 5}, {-3, -3}, 2, true);
  checkEveryPair({0, 0}, {0, 0}, 2, true);
}

TEST(SquaresProductTest, RejectsWhatCannotFit) {
  EXPECT_FALSE(planSquaresProduct({0, 10}, {0, 10}, 1).has_value());
  EXPECT_FALSE(planSquaresProduct({3, 2}, {0, 1}, 8).has_value());
  int64_t huge = int64_t(1) << 40;
  EXPECT_FALSE(planSquaresProduct({0, huge}, {0, 1}, 8).has_value());
}

/// A product requantized as qfhe.mul's lowering does: x * y at `scale`,
/// quantized at `resultScale` into `bits` signed bits (zero point 0).
std::function<int64_t(int64_t)> requantized(double scale, double resultScale,
                                            unsigned bits) {
  return [=](int64_t product) {
    return quantizeValue(scale * static_cast<double>(product), resultScale, 0,
                         getStorageRange(bits, true));
  };
}

/// Runs exact tables on every pair of x and y: each entry lies in the
/// plan's table range once shifted, and every pair gets its product's
/// level.
void checkExactTables(IntegerRange x, IntegerRange y,
                      const SquaresProductPlan &plan,
                      const ExactSquaresTables &tables,
                      const std::function<int64_t(int64_t)> &level) {
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t sumEntry = tables.sumEntries[a + b - tables.sumMin];
      int64_t differenceEntry =
          tables.differenceEntries[a - b - tables.differenceMin];
      ASSERT_TRUE(plan.sumTable.contains(sumEntry - plan.sumShift));
      ASSERT_TRUE(plan.differenceTable.contains(differenceEntry -
                                                plan.differenceShift));
      ASSERT_EQ(tables.getLevel(sumEntry - differenceEntry), level(a * b))
          << a << " * " << b;
    }
}

/// How many pairs of x and y the nearest-rounded tables of `plan`, read
/// through thresholds halfway between levels, put on another level than
/// their product's: what exact tables bring to none.
int64_t countNearestMisses(IntegerRange x, IntegerRange y,
                           const SquaresProductPlan &plan,
                           const ExactSquaresTables &tables,
                           const std::function<int64_t(int64_t)> &level) {
  int64_t misses = 0;
  for (int64_t a = x.min; a <= x.max; ++a)
    for (int64_t b = y.min; b <= y.max; ++b) {
      int64_t p =
          quarterSquare(a + b, plan.scale) - quarterSquare(a - b, plan.scale);
      misses += tables.getLevel(p) != level(a * b);
    }
  return misses;
}

/// Plans x * y under `width` bits (a scaled plan), solves exact tables for
/// `level` into `tables` and checks them on every pair.
void solveAndCheck(IntegerRange x, IntegerRange y, unsigned width,
                   const std::function<int64_t(int64_t)> &level,
                   std::optional<ExactSquaresTables> &tables) {
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), width);
  ASSERT_TRUE(plan.has_value());
  ASSERT_LT(plan->scale, 1.0);
  tables = solveExactSquares(x, y, *plan, level);
  ASSERT_TRUE(tables.has_value());
  checkExactTables(x, y, *plan, *tables, level);
  // Rounded to nearest, some pairs land a level off.
  EXPECT_GT(countNearestMisses(x, y, *plan, *tables, level), 0);
}

TEST(SquaresProductTest, ExactTablesForAFewLevels) {
  // Two 5-bit unsigned factors under a cap of 6 (the squares scaled by
  // about 1/19), the product requantized to four levels: the solved
  // entries put every pair on its level.
  std::optional<ExactSquaresTables> tables;
  solveAndCheck({0, 31}, {0, 31}, 6, requantized(0.0052, 1.5, 3), tables);
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ(tables->levels, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(tables->thresholds.size(), 3u);
}

TEST(SquaresProductTest, ExactTablesForSignedFactors) {
  // Signed 4-bit factors (products from -56 to 64) under a cap of 5, a
  // 3-bit signed result: negative levels too.
  std::optional<ExactSquaresTables> tables;
  solveAndCheck({-8, 7}, {-7, 8}, 5, requantized(1.0, 16.0, 3), tables);
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ(tables->levels.front(), -4);
  EXPECT_EQ(tables->levels.back(), 3);
}

TEST(SquaresProductTest, ExactTablesRemembered) {
  // The same question again gets the same answer (from memory); another
  // result scale on the same factors gets its own.
  std::optional<ExactSquaresTables> first, other;
  solveAndCheck({0, 31}, {0, 31}, 6, requantized(0.0052, 1.5, 3), first);
  solveAndCheck({0, 31}, {0, 31}, 6, requantized(0.0052, 1.2, 3), other);
  ASSERT_TRUE(first.has_value() && other.has_value());
  EXPECT_NE(first->thresholds, other->thresholds);
  IntegerRange x{0, 31}, y{0, 31};
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), 6);
  ASSERT_TRUE(plan.has_value());
  std::optional<ExactSquaresTables> again =
      solveExactSquares(x, y, *plan, requantized(0.0052, 1.5, 3));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->sumEntries, first->sumEntries);
  EXPECT_EQ(again->differenceEntries, first->differenceEntries);
  EXPECT_EQ(again->thresholds, first->thresholds);
}

TEST(SquaresProductTest, ExactTablesNeedFewLevels) {
  // Two 7-bit unsigned factors under a cap of 8 (squares scaled by about
  // 1/79, a level every 10 units of p) with a 4-bit result: the pairs'
  // constraints contradict each other.
  IntegerRange x{0, 127}, y{0, 127};
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), 8);
  ASSERT_TRUE(plan.has_value());
  EXPECT_FALSE(solveExactSquares(x, y, *plan, requantized(3.1e-4, 0.245, 4))
                   .has_value());
}

TEST(SquaresProductTest, ExactTablesRefused) {
  IntegerRange x{0, 31}, y{0, 31};
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), 6);
  ASSERT_TRUE(plan.has_value());
  std::function<int64_t(int64_t)> level = requantized(0.0052, 1.2, 2);
  // More pairs than allowed.
  EXPECT_FALSE(solveExactSquares(x, y, *plan, level, 1023).has_value());
  EXPECT_TRUE(solveExactSquares(x, y, *plan, level, 1024).has_value());
  // A level that falls as the product grows.
  EXPECT_FALSE(solveExactSquares(x, y, *plan, [](int64_t product) {
                 return product < 500 ? 0 : -1;
               }).has_value());
  // An exact plan needs no solving; nor do empty ranges.
  std::optional<SquaresProductPlan> exact = planSquaresProduct(
      sumOf({0, 3}, {0, 3}), differenceOf({0, 3}, {0, 3}), 8);
  ASSERT_TRUE(exact.has_value());
  ASSERT_EQ(exact->scale, 1.0);
  EXPECT_FALSE(solveExactSquares({0, 3}, {0, 3}, *exact, level).has_value());
  EXPECT_FALSE(solveExactSquares({3, 2}, y, *plan, level).has_value());
}

TEST(SquaresProductTest, ExactTablesOfOneLevel) {
  // Every product on one level: no threshold, any entries do.
  IntegerRange x{0, 31}, y{0, 31};
  std::optional<SquaresProductPlan> plan =
      planSquaresProduct(sumOf(x, y), differenceOf(x, y), 6);
  ASSERT_TRUE(plan.has_value());
  auto level = [](int64_t) -> int64_t { return 5; };
  std::optional<ExactSquaresTables> tables =
      solveExactSquares(x, y, *plan, level);
  ASSERT_TRUE(tables.has_value());
  EXPECT_TRUE(tables->thresholds.empty());
  checkExactTables(x, y, *plan, *tables, level);
}

} // namespace
