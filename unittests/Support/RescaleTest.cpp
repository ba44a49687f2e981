//===- RescaleTest.cpp - tests of the requantization roundings ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Rescale.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace mlir::qfhe;

namespace {

// M = 2^30 at shift 32 is the ratio 1/4.
constexpr FixedPointMultiplier kQuarter{int64_t(1) << 30, 32};

TEST(DoubleRound, AgreesWithSingleRoundingUpToShift31) {
  FixedPointMultiplier f{int64_t(1) << 30, 31}; // 1/2
  for (int64_t x = -20; x <= 20; ++x)
    EXPECT_EQ(applyFixedPointMultiplierDoubleRound(x, f),
              applyFixedPointMultiplier(x, f))
        << x;
}

TEST(DoubleRound, MovesTheRoundingTermTowardTheSign) {
  // 6/4 = 1.5: single rounding gives 2 (half up); double rounding too.
  EXPECT_EQ(applyFixedPointMultiplier(6, kQuarter), 2);
  EXPECT_EQ(applyFixedPointMultiplierDoubleRound(6, kQuarter), 2);
  // -6/4 = -1.5: half up gives -1, double rounding goes away from zero.
  EXPECT_EQ(applyFixedPointMultiplier(-6, kQuarter), -1);
  EXPECT_EQ(applyFixedPointMultiplierDoubleRound(-6, kQuarter), -2);
  // 5/4 = 1.25: single rounding gives 1; double rounding (a first rounding
  // at bit 31, as TFLite's doubling high multiply, then a second) gives 2.
  EXPECT_EQ(applyFixedPointMultiplier(5, kQuarter), 1);
  EXPECT_EQ(applyFixedPointMultiplierDoubleRound(5, kQuarter), 2);
  // -5/4 = -1.25: both -1.
  EXPECT_EQ(applyFixedPointMultiplier(-5, kQuarter), -1);
  EXPECT_EQ(applyFixedPointMultiplierDoubleRound(-5, kQuarter), -1);
  EXPECT_EQ(applyFixedPointMultiplierDoubleRound(0, kQuarter), 0);
}

TEST(DoubleRound, MatchesTheTosaFormulaOnRandomInputs) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> value(-(int64_t(1) << 30), int64_t(1)
                                                                        << 30);
  std::uniform_int_distribution<int64_t> multiplier(int64_t(1) << 30,
                                                    (int64_t(1) << 31) - 1);
  std::uniform_int_distribution<unsigned> shift(2, 62);
  for (int i = 0; i < 2000; ++i) {
    int64_t x = value(rng);
    FixedPointMultiplier f{multiplier(rng), shift(rng)};
    // The TOSA specification's apply_scale_32 with double_round.
    __int128 round = __int128(1) << (f.shift - 1);
    if (f.shift > 31)
      round += x >= 0 ? (__int128(1) << 30) : -(__int128(1) << 30);
    __int128 expected = (__int128(x) * f.multiplier + round) >> f.shift;
    EXPECT_EQ(applyFixedPointMultiplierDoubleRound(x, f),
              static_cast<int64_t>(expected));
  }
}

TEST(FloatMultiplier, IsAFloat32Quotient) {
  double a = 0.1, b = 0.3;
  EXPECT_EQ(getFloatMultiplier(a, b),
            static_cast<float>(a) / static_cast<float>(b));
}

TEST(Rescale, FloatHalfEvenAddsTheZeroPointBeforeRounding) {
  IntegerRange storage{-128, 127};
  // 1 * 0.5 = 0.5 rounds to 0; 0.5 + 1 = 1.5 rounds to 2 (ties to even).
  EXPECT_EQ(*rescale(1, 0.5, 1.0, 0, storage, RescaleRounding::FloatHalfEven),
            0);
  EXPECT_EQ(*rescale(1, 0.5, 1.0, 1, storage, RescaleRounding::FloatHalfEven),
            2);
  EXPECT_EQ(*rescale(3, 0.5, 1.0, 0, storage, RescaleRounding::FloatHalfEven),
            2);
  EXPECT_EQ(*rescale(-3, 0.5, 1.0, 0, storage, RescaleRounding::FloatHalfEven),
            -2);
}

TEST(Rescale, MatchesTheOnnxReferenceArithmetic) {
  // numpy: D = C * (a_scale * b_scale / y_scale) in float64 with float32
  // scales, D += y_zero_point, rint, clip.
  float aScale = 0.0123f, bScale = 0.0071f, yScale = 0.0456f;
  double accScale = static_cast<double>(aScale) * bScale; // exact product
  float m = (aScale * bScale) / yScale;
  IntegerRange storage{0, 255};
  for (int64_t c = -50000; c <= 50000; c += 37) {
    double d = std::nearbyint(static_cast<double>(c) * m + 17.0);
    int64_t expected =
        static_cast<int64_t>(std::fmin(std::fmax(d, 0.0), 255.0));
    EXPECT_EQ(*rescale(c, accScale, yScale, 17, storage,
                       RescaleRounding::FloatHalfEven),
              expected)
        << c;
  }
}

TEST(Rescale, FixedPointSaturatesAndAddsTheZeroPoint) {
  IntegerRange storage{0, 255};
  EXPECT_EQ(*rescale(6, 1.0, 4.0, 10, storage, RescaleRounding::FixedPoint),
            12);
  EXPECT_EQ(
      *rescale(100000, 1.0, 4.0, 10, storage, RescaleRounding::FixedPoint),
      255);
  EXPECT_EQ(
      *rescale(-100000, 1.0, 4.0, 10, storage, RescaleRounding::FixedPoint), 0);
  // -6/4 at shift 32 (the multiplier of 1/4 is 2^30 at shift 32).
  EXPECT_EQ(
      *rescale(-6, 1.0, 4.0, 10, storage, RescaleRounding::FixedPointDouble),
      8);
  EXPECT_EQ(*rescale(-6, 1.0, 4.0, 10, storage, RescaleRounding::FixedPoint),
            9);
}

TEST(Rescale, RatiosWithoutAFixedPointForm) {
  EXPECT_FALSE(
      rescale(1, 1e10, 1.0, 0, {-128, 127}, RescaleRounding::FixedPoint));
  EXPECT_TRUE(
      rescale(1, 1e10, 1.0, 0, {-128, 127}, RescaleRounding::FloatHalfEven));
}

TEST(Rescaler, OneMultiplierRescalesEveryValueOfARow) {
  // The multiplier computed once serves every x: against the definitions,
  // the fixed-point product rounded half up (single) or with the 2^30 term
  // toward the sign (double, shift > 31), then saturation and the zero
  // point; and the float product with the float32 multiplier.
  double from = 0.00037, to = 0.051;
  IntegerRange storage{-100, 120};
  std::optional<FixedPointMultiplier> f =
      computeFixedPointMultiplier(from / to);
  ASSERT_TRUE(f);
  ASSERT_GT(f->shift, 31u);
  float m = static_cast<float>(from) / static_cast<float>(to);
  Rescaler single(from, to, 7, storage, RescaleRounding::FixedPoint);
  Rescaler twice(from, to, 7, storage, RescaleRounding::FixedPointDouble);
  Rescaler onnx(from, to, 7, storage, RescaleRounding::FloatHalfEven);
  for (int64_t x = -40000; x <= 40000; x += 13) {
    __int128 product = static_cast<__int128>(x) * f->multiplier;
    __int128 half = static_cast<__int128>(1) << (f->shift - 1);
    __int128 toSign = x >= 0 ? (__int128(1) << 30) : -(__int128(1) << 30);
    auto saturate = [&](int64_t scaled) {
      return std::clamp<int64_t>(scaled, storage.min - 7, storage.max - 7) + 7;
    };
    EXPECT_EQ(*single(x),
              saturate(static_cast<int64_t>((product + half) >> f->shift)))
        << x;
    EXPECT_EQ(*twice(x), saturate(static_cast<int64_t>(
                             (product + half + toSign) >> f->shift)))
        << x;
    double rounded = std::nearbyint(static_cast<double>(x) * m + 7.0);
    EXPECT_EQ(*onnx(x), static_cast<int64_t>(
                            std::fmin(std::fmax(rounded, -100.0), 120.0)))
        << x;
  }
}

TEST(Rescaler, NoValueWithoutAMultiplier) {
  // No fixed-point form of 1e10: no value at all; a float multiplier of
  // infinity (scale 0) gives NaN at 0 only.
  Rescaler fixed(1e10, 1.0, 0, {-128, 127}, RescaleRounding::FixedPoint);
  for (int64_t x : {-5, 0, 5})
    EXPECT_FALSE(fixed(x)) << x;
  Rescaler infinite(1.0, 0.0, 0, {-128, 127}, RescaleRounding::FloatHalfEven);
  EXPECT_FALSE(infinite(0));
  EXPECT_EQ(*infinite(1), 127);
  EXPECT_EQ(*infinite(-1), -128);
}

} // namespace
