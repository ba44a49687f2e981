//===- IntegerRangeMathTest.cpp - tests of exact integer intervals --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/IntegerRangeMath.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>
#include <vector>

using namespace mlir::qfhe;

namespace {

WideInt pow2(unsigned bits) { return static_cast<WideInt>(1) << bits; }

/// The value an N-bit type holds for `x` under modular arithmetic.
WideInt wrap(WideInt x, unsigned width, bool isUnsigned) {
  WideInt modulus = pow2(width);
  WideInt low = isUnsigned ? 0 : -pow2(width - 1);
  WideInt r = (x - low) % modulus;
  if (r < 0)
    r += modulus;
  return r + low;
}

TEST(IntegerRangeMath, TypeRanges) {
  EXPECT_EQ(*getTypeRange(3, false), (IntegerRange{-4, 3}));
  EXPECT_EQ(*getTypeRange(3, true), (IntegerRange{0, 7}));
  EXPECT_EQ(*getTypeRange(1, false), (IntegerRange{-1, 0}));
  EXPECT_EQ(*getTypeRange(64, false), (IntegerRange{INT64_MIN, INT64_MAX}));
  EXPECT_EQ(*getTypeRange(63, true), (IntegerRange{0, INT64_MAX}));
  EXPECT_FALSE(getTypeRange(64, true));
  EXPECT_FALSE(getTypeRange(65, false));
  EXPECT_FALSE(getTypeRange(0, false));
}

TEST(IntegerRangeMath, BitsNeeded) {
  EXPECT_EQ(getBitsNeeded({-36, 27}, false), 7u);
  EXPECT_EQ(getBitsNeeded({-32, 31}, false), 6u);
  EXPECT_EQ(getBitsNeeded({-33, 0}, false), 7u);
  EXPECT_EQ(getBitsNeeded({0, 32}, false), 7u);
  EXPECT_EQ(getBitsNeeded({0, 255}, true), 8u);
  EXPECT_EQ(getBitsNeeded({0, 0}, true), 1u);
  // A negative value needs the signed reading whatever the type.
  EXPECT_EQ(getBitsNeeded({-1, 1}, true), 2u);
}

TEST(IntegerRangeMath, AddAndMultiplyAreExact) {
  EXPECT_EQ(add({-4, 3}, {10, 20}), (WideRange{6, 23}));
  EXPECT_EQ(multiply({-4, 3}, {-2, 5}), (WideRange{-20, 15}));
  EXPECT_EQ(multiply({-4, -1}, {-4, -1}), (WideRange{1, 16}));
  EXPECT_EQ(multiply({0, 0}, {-kWideLimit + 1, kWideLimit - 1}),
            (WideRange{0, 0}));
  // 64-bit products stay exact in 128 bits.
  WideRange big = multiply(WideRange::point(INT64_MIN), {-4, 3});
  EXPECT_EQ(big, (WideRange{static_cast<WideInt>(INT64_MIN) * 3, pow2(65)}));
  EXPECT_TRUE(big.isBounded());
}

TEST(IntegerRangeMath, ProductsAroundTheDivisionFreePath) {
  // Factors below 2^62 multiply without the overflow division; at and above
  // it the checked path gives the same exact products up to the limit.
  WideInt below = pow2(62) - 1;
  EXPECT_EQ(multiply(WideRange::point(below), {-below, below}),
            (WideRange{-below * below, below * below}));
  EXPECT_EQ(multiply(WideRange::point(pow2(62)), {-pow2(62), pow2(62)}),
            (WideRange{-pow2(124), pow2(124)}));
  EXPECT_EQ(multiply(WideRange::point(pow2(63)), {-pow2(62), pow2(61)}),
            (WideRange{-kWideLimit, pow2(124)}));
  EXPECT_EQ(multiply(WideRange::point(pow2(63)), {-pow2(63), 1}),
            (WideRange{-kWideLimit, pow2(63)}));
  EXPECT_FALSE(multiply({0, pow2(63)}, {0, pow2(63)}).isBounded());
}

/// The product of two intervals by its definition: all four corners,
/// saturated at the limit.
WideRange cornersProduct(WideRange a, WideRange b) {
  auto corner = [](WideInt x, WideInt y) -> WideInt {
    if (x == 0 || y == 0)
      return 0;
    long double estimate =
        static_cast<long double>(x) * static_cast<long double>(y);
    if (estimate >= static_cast<long double>(kWideLimit))
      return kWideLimit;
    if (estimate <= -static_cast<long double>(kWideLimit))
      return -kWideLimit;
    return x * y;
  };
  WideInt c[] = {corner(a.min, b.min), corner(a.min, b.max),
                 corner(a.max, b.min), corner(a.max, b.max)};
  return {*std::min_element(std::begin(c), std::end(c)),
          *std::max_element(std::begin(c), std::end(c))};
}

TEST(IntegerRangeMath, PointTimesRangeIsTheCornersProduct) {
  // A point on either side (the two-corner path), negative, zero and near
  // the limit, against the four corners.
  std::vector<WideInt> values = {0,         1,         -1,        7,
                                 -7,        INT64_MAX, INT64_MIN, pow2(62),
                                 -pow2(62), pow2(63),  pow2(100), -pow2(100)};
  for (WideInt p : values)
    for (WideInt lo : values)
      for (WideInt hi : values) {
        if (lo > hi)
          continue;
        WideRange point = WideRange::point(p), range{lo, hi};
        EXPECT_EQ(multiply(point, range), cornersProduct(point, range));
        EXPECT_EQ(multiply(range, point), cornersProduct(point, range));
      }
  EXPECT_EQ(multiply(WideRange::point(-3), WideRange::point(5)),
            WideRange::point(-15));
  EXPECT_EQ(multiply(WideRange::point(-3), {-2, 5}), (WideRange{-15, 6}));
}

TEST(IntegerRangeMath, ArithmeticSaturatesBeyondTheLimit) {
  WideRange huge = multiply({0, pow2(70)}, {-1, pow2(70)});
  EXPECT_EQ(huge.max, kWideLimit);
  EXPECT_FALSE(huge.isBounded());
  WideRange sum = add({0, kWideLimit - 1}, {0, kWideLimit - 1});
  EXPECT_FALSE(sum.isBounded());
  EXPECT_FALSE(toIntegerRange({0, pow2(63)}));
  EXPECT_EQ(*toIntegerRange({-5, 5}), (IntegerRange{-5, 5}));
}

TEST(IntegerRangeMath, Readings) {
  // i3 values -4..-1 are 4..7 unsigned.
  EXPECT_EQ(toUnsignedReading({-4, -1}, 3), (WideRange{4, 7}));
  EXPECT_EQ(toUnsignedReading({0, 3}, 3), (WideRange{0, 3}));
  EXPECT_EQ(toUnsignedReading({-1, 1}, 3), (WideRange{0, 7}));
  EXPECT_EQ(toUnsignedReading({-1, -1}, 64), WideRange::point(pow2(64) - 1));
  EXPECT_EQ(toSignedReading({4, 7}, 3), (WideRange{-4, -1}));
  EXPECT_EQ(toSignedReading({0, 3}, 3), (WideRange{0, 3}));
  EXPECT_EQ(toSignedReading({3, 4}, 3), (WideRange{-4, 3}));
}

TEST(IntegerRangeMath, RoundedRangeMatchesRoundingShiftRight) {
  EXPECT_EQ(getRoundedRange({-4, 3}, 1), (WideRange{-2, 2}));
  EXPECT_EQ(getRoundedRange({7, 7}, 1), (WideRange{4, 4}));
  EXPECT_EQ(getRoundedRange({-5, 5}, 0), (WideRange{-5, 5}));
  for (int64_t x = -70; x <= 70; ++x)
    for (unsigned k = 1; k < 5; ++k)
      EXPECT_EQ(getRoundedRange(WideRange::point(x), k),
                WideRange::point(roundingShiftRight(x, k)))
          << x << " >> " << k;
}

// The case of issue #11: [-36, 27] spans 64 values, as many as i6 holds,
// but no multiple of 64 brings it inside [-32, 31]: the values -36..-33
// would wrap to 28..31. It needs 7 bits.
TEST(IntegerRangeMath, PlacementOfARangeThatStraddlesTheType) {
  ModularPlacement placement = placeInType({-36, 27}, 6, false);
  EXPECT_FALSE(placement.fits);
  EXPECT_EQ(placement.offset, 0);
  EXPECT_EQ(placement.held, (WideRange{-36, 27}));
  EXPECT_EQ(getBitsNeeded({-36, 27}, false), 7u);
  // In i7 it fits as it is.
  placement = placeInType({-36, 27}, 7, false);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.offset, 0);
}

TEST(IntegerRangeMath, PlacementShiftsByMultiplesOfTheModulus) {
  // [40, 60] in i6 is [-24, -4] modulo 64.
  ModularPlacement placement = placeInType({40, 60}, 6, false);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.offset, 64);
  EXPECT_EQ(placement.held, (WideRange{-24, -4}));
  // A constant init of 30 plus [-4, 3] is [26, 33]: 32 and 33 wrap.
  placement = placeInType({26, 33}, 6, false);
  EXPECT_FALSE(placement.fits);
  EXPECT_EQ(placement.held, (WideRange{26, 33}));
  // Exactly one window: [32, 95] is all of i6, shifted.
  placement = placeInType({32, 95}, 6, false);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.held, (WideRange{-32, 31}));
  // One value more spans two windows.
  EXPECT_FALSE(placeInType({32, 96}, 6, false).fits);
  EXPECT_FALSE(placeInType({31, 95}, 6, false).fits);
  // Far below: many windows away.
  placement = placeInType({-1000 * 64 - 5, -1000 * 64 + 5}, 6, false);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.held, (WideRange{-5, 5}));
  // Unsigned types hold [0, 2^N - 1].
  placement = placeInType({-8, -1}, 3, true);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.held, (WideRange{0, 7}));
  EXPECT_FALSE(placeInType({-1, 6}, 3, true).fits);
  // 64-bit types.
  placement = placeInType({pow2(64), pow2(64) + 3}, 64, false);
  EXPECT_TRUE(placement.fits);
  EXPECT_EQ(placement.held, (WideRange{0, 3}));
}

// placeInType against brute force: a range fits exactly when wrapping
// every value of it is the same shift, and then the held range is the
// wrapped values.
TEST(IntegerRangeMath, PlacementAgreesWithBruteForce) {
  std::mt19937_64 random(11);
  for (int trial = 0; trial < 4000; ++trial) {
    unsigned width = 1 + random() % 6;
    bool isUnsigned = random() % 2;
    WideInt lo = static_cast<WideInt>(random() % 400) - 200;
    WideInt hi = lo + static_cast<WideInt>(random() % (pow2(width) + 3));
    ModularPlacement placement = placeInType({lo, hi}, width, isUnsigned);
    bool sameShift = true;
    WideInt shift = lo - wrap(lo, width, isUnsigned);
    for (WideInt x = lo; x <= hi; ++x)
      sameShift &= x - wrap(x, width, isUnsigned) == shift;
    ASSERT_EQ(placement.fits, sameShift)
        << formatRange(WideRange{lo, hi}) << " in " << width << " bits";
    if (sameShift) {
      EXPECT_EQ(placement.offset, shift);
      EXPECT_EQ(placement.held, (WideRange{lo - shift, hi - shift}));
    }
  }
}

TEST(IntegerRangeMath, Formatting) {
  EXPECT_EQ(formatRange(IntegerRange{-36, 27}), "[-36, 27]");
  EXPECT_EQ(formatWide(0), "0");
  EXPECT_EQ(formatWide(-pow2(100)), "-1267650600228229401496703205376");
  EXPECT_EQ(formatRange(WideRange{-1, pow2(64)}), "[-1, 18446744073709551616]");
}

} // namespace
