//===- IntervalTest.cpp - tests of interval arithmetic --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/Interval.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::qfhe;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Interval, EmptyIsTheNeutralElementOfJoin) {
  Interval empty = Interval::empty();
  EXPECT_TRUE(empty.isEmpty());
  EXPECT_FALSE(empty.isFinite());
  EXPECT_EQ(empty.join(Interval(1, 2)), Interval(1, 2));
  EXPECT_EQ(Interval(1, 2).join(empty), Interval(1, 2));
  EXPECT_EQ(Interval(), empty);
  EXPECT_TRUE(Interval(0, 1).contains(empty));
  EXPECT_EQ(*add(empty, Interval(1, 2)), empty);
}

TEST(Interval, JoinAndContainment) {
  EXPECT_EQ(Interval(-1, 0).join(Interval(2, 3)), Interval(-1, 3));
  EXPECT_TRUE(Interval(-1, 3).contains(Interval(0, 2)));
  EXPECT_FALSE(Interval(-1, 3).contains(Interval(0, 4)));
  EXPECT_TRUE(Interval::full().contains(Interval(-1e300, 1e300)));
  EXPECT_FALSE(Interval::full().isFinite());
  EXPECT_EQ(Interval(-3, 2).magnitude(), 3.0);
}

TEST(Interval, Arithmetic) {
  EXPECT_EQ(*add(Interval(1, 2), Interval(-5, 3)), Interval(-4, 5));
  EXPECT_EQ(*sub(Interval(1, 2), Interval(-5, 3)), Interval(-2, 7));
  EXPECT_EQ(*mul(Interval(-2, 3), Interval(-1, 4)), Interval(-8, 12));
  EXPECT_EQ(*mul(Interval(-2, -1), Interval(-3, -2)), Interval(2, 6));
  EXPECT_EQ(*div(Interval(1, 2), Interval(4, 8)), Interval(0.125, 0.5));
  EXPECT_EQ(*div(Interval(1, 2), Interval(-2, -1)), Interval(-2, -0.5));
  EXPECT_EQ(neg(Interval(-1, 3)), Interval(-3, 1));
  EXPECT_EQ(scale(Interval(-1, 3), -2), Interval(-6, 2));
  EXPECT_EQ(scale(Interval(-1, 3), 0), Interval::point(0));
  EXPECT_EQ(*repeatAdd(Interval(-1, 2), 4), Interval(-4, 8));
  EXPECT_EQ(*repeatAdd(Interval(-1, 2), 0), Interval::point(0));
}

TEST(Interval, SquareIsNeverNegative) {
  EXPECT_EQ(square(Interval(-2, 1)), Interval(0, 4));
  EXPECT_EQ(square(Interval(-3, -2)), Interval(4, 9));
  EXPECT_EQ(square(Interval(2, 3)), Interval(4, 9));
  EXPECT_EQ(*mul(Interval(-2, 1), Interval(-2, 1)), Interval(-2, 4));
}

TEST(Interval, AbsMaxMin) {
  EXPECT_EQ(abs(Interval(-3, 2)), Interval(0, 3));
  EXPECT_EQ(abs(Interval(-3, -2)), Interval(2, 3));
  EXPECT_EQ(max(Interval(-3, 2), Interval::point(0)), Interval(0, 2));
  EXPECT_EQ(min(Interval(-3, 2), Interval::point(0)), Interval(-3, 0));
}

TEST(Interval, UndefinedResultsAreReported) {
  EXPECT_FALSE(div(Interval(1, 2), Interval(-1, 1)));
  EXPECT_FALSE(div(Interval(1, 2), Interval(0, 1)));
  EXPECT_FALSE(add(Interval::point(kInf), Interval::point(-kInf)));
  EXPECT_FALSE(sub(Interval::point(kInf), Interval::point(kInf)));
  EXPECT_FALSE(mul(Interval(0, 1), Interval(0, kInf)));
  // Unbounded but defined.
  EXPECT_EQ(*add(Interval(-kInf, 0), Interval(0, kInf)), Interval::full());
  EXPECT_EQ(*sub(Interval(0, kInf), Interval(0, kInf)), Interval::full());
  EXPECT_EQ(*add(Interval(-kInf, 0), Interval(1, 2)), Interval(-kInf, 2));
}

TEST(Interval, MonotoneFunctions) {
  EXPECT_EQ(applyIncreasing(Interval(-1, 2), [](double v) { return 2 * v; }),
            Interval(-2, 4));
  EXPECT_EQ(applyDecreasing(Interval(-1, 2), [](double v) { return -v; }),
            Interval(-2, 1));
  Interval e =
      applyIncreasing(Interval(0, 1000), [](double v) { return std::exp(v); });
  EXPECT_EQ(e.getLo(), 1.0);
  EXPECT_EQ(e.getHi(), kInf);
}

TEST(Interval, WidenSumKeepsTheSignOfSameSignTerms) {
  EXPECT_EQ(widenSum(Interval(0, 4), 0.5, true, false), Interval(0, 4.5));
  EXPECT_EQ(widenSum(Interval(-4, 0), 0.5, false, true), Interval(-4.5, 0));
  EXPECT_EQ(widenSum(Interval(-1, 1), 0.5, false, false), Interval(-1.5, 1.5));
}

TEST(Interval, UnitRoundoff) {
  EXPECT_EQ(unitRoundoff(23), std::ldexp(1.0, -24));
  EXPECT_EQ(unitRoundoff(52), std::ldexp(1.0, -53));
}

/// Soundness of the arithmetic: points drawn from the operands always land
/// inside the result.
TEST(Interval, RandomPointsLandInside) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> bound(-10, 10), unit(0, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    double a0 = bound(rng), a1 = bound(rng), b0 = bound(rng), b1 = bound(rng);
    Interval a(std::min(a0, a1), std::max(a0, a1));
    Interval b(std::min(b0, b1), std::max(b0, b1));
    double x = a.getLo() + unit(rng) * (a.getHi() - a.getLo());
    double y = b.getLo() + unit(rng) * (b.getHi() - b.getLo());
    EXPECT_TRUE(add(a, b)->contains(x + y));
    EXPECT_TRUE(sub(a, b)->contains(x - y));
    EXPECT_TRUE(mul(a, b)->contains(x * y));
    EXPECT_TRUE(square(a).contains(x * x));
    EXPECT_TRUE(abs(a).contains(std::fabs(x)));
    EXPECT_TRUE(max(a, b).contains(std::max(x, y)));
    if (auto q = div(a, b))
      EXPECT_TRUE(q->widen(1e-15).contains(x / y));
    else
      EXPECT_TRUE(b.contains(0.0));
  }
}

} // namespace
