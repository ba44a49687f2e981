//===- QuantMathTest.cpp - tests of the quantization arithmetic -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/QuantMath.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::qfhe;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(StorageRange, SignedUnsignedAndNarrow) {
  EXPECT_EQ(getStorageRange(8, true), (IntegerRange{-128, 127}));
  EXPECT_EQ(getStorageRange(8, false), (IntegerRange{0, 255}));
  EXPECT_EQ(getStorageRange(8, true, true), (IntegerRange{-127, 127}));
  EXPECT_EQ(getStorageRange(8, false, true), (IntegerRange{1, 255}));
  EXPECT_EQ(getStorageRange(1, true), (IntegerRange{-1, 0}));
  EXPECT_EQ(getStorageRange(1, false), (IntegerRange{0, 1}));
  EXPECT_EQ(getStorageRange(32, true),
            (IntegerRange{-2147483648LL, 2147483647LL}));
  EXPECT_EQ(getStorageRange(32, false), (IntegerRange{0, 4294967295LL}));
  EXPECT_EQ(getStorageRange(8, false).size(), 256u);
  // 64-bit signed storage: the bounds of int64_t (UBSan: -2^63 is not the
  // negation of a representable value).
  EXPECT_EQ(getStorageRange(64, true),
            (IntegerRange{std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(getStorageRange(63, false),
            (IntegerRange{0, std::numeric_limits<int64_t>::max()}));
}

TEST(AffineParams, UnitIntervalOnUnsigned8Bits) {
  auto params = computeAffineParams(0.0, 1.0, getStorageRange(8, false),
                                    QuantScheme::Asymmetric);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->scale, static_cast<double>(1.0f / 255.0f));
  EXPECT_EQ(params->zeroPoint, 0);
}

TEST(AffineParams, ZeroPointIsWhereRealZeroLandsWithTheFloatScale) {
  // [-1, 1] over [0, 255]: with the exact scale 2/255 real 0 would land on
  // 127.5; the float32 scale is slightly larger, so it lands just below.
  auto params = computeAffineParams(-1.0, 1.0, getStorageRange(8, false),
                                    QuantScheme::Asymmetric);
  ASSERT_TRUE(params);
  EXPECT_EQ(params->scale, static_cast<double>(static_cast<float>(2.0 / 255)));
  EXPECT_GT(params->scale, 2.0 / 255);
  EXPECT_EQ(params->zeroPoint, 127);
}

TEST(AffineParams, RangeIsExtendedToContainZero) {
  auto positive = computeAffineParams(2.0, 5.0, getStorageRange(8, false),
                                      QuantScheme::Asymmetric);
  ASSERT_TRUE(positive);
  EXPECT_EQ(positive->zeroPoint, 0);
  EXPECT_EQ(positive->scale,
            static_cast<double>(static_cast<float>(5.0 / 255)));
  auto negative = computeAffineParams(-4.0, -1.0, getStorageRange(8, true),
                                      QuantScheme::Asymmetric);
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->zeroPoint, 127);
}

TEST(AffineParams, DegenerateRangesDoNotDivideByZero) {
  for (QuantScheme scheme : {QuantScheme::Asymmetric, QuantScheme::Symmetric}) {
    auto zeros =
        computeAffineParams(0.0, 0.0, getStorageRange(8, true), scheme);
    ASSERT_TRUE(zeros);
    EXPECT_EQ(zeros->scale, 1.0);
    EXPECT_EQ(zeros->zeroPoint, 0);
    auto unsignedZeros =
        computeAffineParams(0.0, 0.0, getStorageRange(8, false, true), scheme);
    ASSERT_TRUE(unsignedZeros);
    EXPECT_TRUE(std::isfinite(unsignedZeros->scale));
    // A single non-zero value becomes [0, v] and is exactly representable.
    auto single =
        computeAffineParams(3.0, 3.0, getStorageRange(8, false), scheme);
    ASSERT_TRUE(single);
    int64_t q = quantizeValue(3.0, single->scale, single->zeroPoint,
                              getStorageRange(8, false));
    EXPECT_NEAR(dequantizeValue(q, single->scale, single->zeroPoint), 3.0,
                single->scale / 2);
  }
}

TEST(AffineParams, TinyRangesKeepANormalScale) {
  auto params = computeAffineParams(0.0, 1e-300, getStorageRange(8, false),
                                    QuantScheme::Asymmetric);
  ASSERT_TRUE(params);
  EXPECT_GT(params->scale, 0.0);
  EXPECT_TRUE(std::isnormal(static_cast<float>(params->scale)));
}

TEST(AffineParams, RejectsNonFiniteAndInvertedRanges) {
  IntegerRange storage = getStorageRange(8, true);
  for (QuantScheme scheme : {QuantScheme::Asymmetric, QuantScheme::Symmetric}) {
    EXPECT_FALSE(computeAffineParams(-kInf, 1.0, storage, scheme));
    EXPECT_FALSE(computeAffineParams(0.0, kInf, storage, scheme));
    EXPECT_FALSE(computeAffineParams(kNaN, 1.0, storage, scheme));
    EXPECT_FALSE(computeAffineParams(2.0, 1.0, storage, scheme));
    EXPECT_FALSE(computeAffineParams(-1e308, 1e308, storage, scheme));
  }
  EXPECT_FALSE(computeAffineParams(0.0, 1.0, IntegerRange{3, 3},
                                   QuantScheme::Asymmetric));
}

TEST(AffineParams, SymmetricSchemes) {
  auto signedParams = computeAffineParams(-0.5, 2.0, getStorageRange(8, true),
                                          QuantScheme::Symmetric);
  ASSERT_TRUE(signedParams);
  EXPECT_EQ(signedParams->zeroPoint, 0);
  EXPECT_EQ(signedParams->scale,
            static_cast<double>(static_cast<float>(2.0 / 127)));
  auto unsignedParams = computeAffineParams(
      -1.0, 0.5, getStorageRange(8, false), QuantScheme::Symmetric);
  ASSERT_TRUE(unsignedParams);
  EXPECT_EQ(unsignedParams->zeroPoint, 128);
  EXPECT_EQ(unsignedParams->scale,
            static_cast<double>(static_cast<float>(1.0 / 127)));
  auto narrow = computeAffineParams(-3.0, 3.0, getStorageRange(8, true, true),
                                    QuantScheme::Symmetric);
  ASSERT_TRUE(narrow);
  EXPECT_EQ(narrow->zeroPoint, 0);
  EXPECT_EQ(
      quantizeValue(-3.0, narrow->scale, 0, getStorageRange(8, true, true)),
      -127);
  EXPECT_EQ(
      quantizeValue(3.0, narrow->scale, 0, getStorageRange(8, true, true)),
      127);
}

TEST(AffineParams, EveryValueOfTheRangeRoundTripsWithinHalfAStep) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> ends(-100.0, 100.0);
  for (int trial = 0; trial < 200; ++trial) {
    double a = ends(rng), b = ends(rng);
    double lo = std::min(a, b), hi = std::max(a, b);
    for (unsigned bits : {2u, 4u, 8u, 16u}) {
      for (bool isSigned : {false, true}) {
        IntegerRange storage = getStorageRange(bits, isSigned);
        auto params =
            computeAffineParams(lo, hi, storage, QuantScheme::Asymmetric);
        ASSERT_TRUE(params);
        ASSERT_TRUE(storage.contains(params->zeroPoint));
        EXPECT_EQ(dequantizeValue(params->zeroPoint, params->scale,
                                  params->zeroPoint),
                  0.0);
        for (double x : {lo, hi, (lo + hi) / 2}) {
          int64_t q =
              quantizeValue(x, params->scale, params->zeroPoint, storage);
          double back = dequantizeValue(q, params->scale, params->zeroPoint);
          // Half a step, plus the float32 rounding of the scale and of the
          // zero point, which can push an end of the range one step out.
          EXPECT_LE(std::fabs(back - x), params->scale * 1.5 + 1e-12)
              << "range [" << lo << ", " << hi << "] bits " << bits;
        }
      }
    }
  }
}

TEST(QuantizeValue, RoundsHalfToEven) {
  IntegerRange storage = getStorageRange(8, true);
  EXPECT_EQ(quantizeValue(0.5, 1.0, 0, storage), 0);
  EXPECT_EQ(quantizeValue(1.5, 1.0, 0, storage), 2);
  EXPECT_EQ(quantizeValue(2.5, 1.0, 0, storage), 2);
  EXPECT_EQ(quantizeValue(-0.5, 1.0, 0, storage), 0);
  EXPECT_EQ(quantizeValue(-1.5, 1.0, 0, storage), -2);
  EXPECT_EQ(quantizeValue(0.26, 0.1, 3, storage), 6);
}

TEST(QuantizeValue, ClampsSaturatesAndMapsNaNToZeroPoint) {
  IntegerRange storage = getStorageRange(8, false);
  EXPECT_EQ(quantizeValue(1000.0, 0.5, 10, storage), 255);
  EXPECT_EQ(quantizeValue(-1000.0, 0.5, 10, storage), 0);
  EXPECT_EQ(quantizeValue(kInf, 0.5, 10, storage), 255);
  EXPECT_EQ(quantizeValue(-kInf, 0.5, 10, storage), 0);
  EXPECT_EQ(quantizeValue(kNaN, 0.5, 10, storage), 10);
  EXPECT_EQ(quantizeValue(1e300, 1e-30, 0, getStorageRange(32, true)),
            2147483647LL);
}

TEST(DequantizeValue, SubtractsZeroPointThenScales) {
  EXPECT_EQ(dequantizeValue(13, 0.5, 3), 5.0);
  EXPECT_EQ(dequantizeValue(0, 0.25, 128), -32.0);
  EXPECT_EQ(dequantizeValue(4294967295LL, 1.0, 0), 4294967295.0);
}

TEST(FixedPointMultiplier, ExactPowersOfTwo) {
  auto half = computeFixedPointMultiplier(0.5);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->multiplier, int64_t(1) << 30);
  EXPECT_EQ(half->shift, 31u);
  auto one = computeFixedPointMultiplier(1.0);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->multiplier, int64_t(1) << 30);
  EXPECT_EQ(one->shift, 30u);
  auto large = computeFixedPointMultiplier(1024.0);
  ASSERT_TRUE(large);
  EXPECT_EQ(applyFixedPointMultiplier(3, *large), 3072);
}

TEST(FixedPointMultiplier, MantissaRoundingUpToTwoPow31Renormalizes) {
  auto almostOne = computeFixedPointMultiplier(1.0 - std::ldexp(1.0, -40));
  ASSERT_TRUE(almostOne);
  EXPECT_EQ(almostOne->multiplier, int64_t(1) << 30);
  EXPECT_EQ(almostOne->shift, 30u);
}

TEST(FixedPointMultiplier, RejectsOutOfDomain) {
  EXPECT_FALSE(computeFixedPointMultiplier(0.0));
  EXPECT_FALSE(computeFixedPointMultiplier(-1.0));
  EXPECT_FALSE(computeFixedPointMultiplier(kInf));
  EXPECT_FALSE(computeFixedPointMultiplier(kNaN));
  EXPECT_FALSE(computeFixedPointMultiplier(2147483648.0));
  EXPECT_TRUE(computeFixedPointMultiplier(2147483647.0));
}

TEST(FixedPointMultiplier, TinyMultipliersCapTheShift) {
  auto tiny = computeFixedPointMultiplier(1e-20);
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->shift, 62u);
  EXPECT_NEAR(std::ldexp(static_cast<double>(tiny->multiplier), -62), 1e-20,
              std::ldexp(1.0, -62));
  auto vanishing = computeFixedPointMultiplier(1e-300);
  ASSERT_TRUE(vanishing);
  EXPECT_EQ(vanishing->multiplier, 0);
  EXPECT_EQ(applyFixedPointMultiplier(4294967295LL, *vanishing), 0);
}

TEST(FixedPointMultiplier, RelativeErrorBelowTwoPowMinus31) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-31.0, 31.0);
  for (int trial = 0; trial < 10000; ++trial) {
    double m = std::exp2(exponent(rng));
    auto fixed = computeFixedPointMultiplier(m);
    ASSERT_TRUE(fixed);
    EXPECT_GE(fixed->multiplier, int64_t(1) << 30);
    EXPECT_LT(fixed->multiplier, int64_t(1) << 31);
    double value = std::ldexp(static_cast<double>(fixed->multiplier),
                              -static_cast<int>(fixed->shift));
    EXPECT_LE(std::fabs(value - m) / m, std::ldexp(1.0, -31));
  }
}

TEST(FixedPointMultiplier, ApplyRoundsHalfUpExactly) {
  auto half = *computeFixedPointMultiplier(0.5);
  EXPECT_EQ(applyFixedPointMultiplier(3, half), 2);   // 1.5 -> 2
  EXPECT_EQ(applyFixedPointMultiplier(-3, half), -1); // -1.5 -> -1
  EXPECT_EQ(applyFixedPointMultiplier(4, half), 2);
  EXPECT_EQ(applyFixedPointMultiplier(-5, half), -2); // -2.5 -> -2
  // Products beyond 64 bits are exact.
  FixedPointMultiplier big{(int64_t(1) << 31) - 1, 31};
  int64_t x = int64_t(1) << 33;
  EXPECT_EQ(applyFixedPointMultiplier(x, big), x - 4);
  EXPECT_EQ(applyFixedPointMultiplier(-x, big), -x + 4);
}

TEST(FixedPointMultiplier, MatchesRealArithmeticWithinOneStep) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> values(-(int64_t(1) << 31), int64_t(1)
                                                                         << 31);
  std::uniform_real_distribution<double> ratios(1e-4, 4.0);
  for (int trial = 0; trial < 10000; ++trial) {
    int64_t x = values(rng);
    double m = ratios(rng);
    int64_t result =
        applyFixedPointMultiplier(x, *computeFixedPointMultiplier(m));
    EXPECT_LE(std::fabs(static_cast<double>(result) - x * m),
              0.5 + std::fabs(x * m) * std::ldexp(1.0, -30));
  }
}

TEST(RoundingShiftRight, RoundsToNearestTiesUp) {
  EXPECT_EQ(roundingShiftRight(7, 1), 4);
  EXPECT_EQ(roundingShiftRight(6, 1), 3);
  EXPECT_EQ(roundingShiftRight(5, 1), 3);   // 2.5 -> 3
  EXPECT_EQ(roundingShiftRight(-5, 1), -2); // -2.5 -> -2
  EXPECT_EQ(roundingShiftRight(-6, 1), -3);
  EXPECT_EQ(roundingShiftRight(-7, 2), -2); // -1.75 -> -2
  EXPECT_EQ(roundingShiftRight(9, 0), 9);
  EXPECT_EQ(roundingShiftRight(8191, 4), 512); // needs one more bit than 13-4
  EXPECT_EQ(roundingShiftRight(std::numeric_limits<int64_t>::max(), 62), 2);
  EXPECT_EQ(roundingShiftRight(std::numeric_limits<int64_t>::min(), 62), -2);
}

TEST(BitWidth, SignedRanges) {
  EXPECT_EQ(getSignedBitWidth({0, 0}), 1u);
  EXPECT_EQ(getSignedBitWidth({-1, 0}), 1u);
  EXPECT_EQ(getSignedBitWidth({0, 1}), 2u);
  EXPECT_EQ(getSignedBitWidth({-128, 127}), 8u);
  EXPECT_EQ(getSignedBitWidth({-129, 0}), 9u);
  EXPECT_EQ(getSignedBitWidth({0, 128}), 9u);
  EXPECT_EQ(getSignedBitWidth({std::numeric_limits<int64_t>::min(), 0}), 64u);
}

TEST(BitWidth, UnsignedRanges) {
  EXPECT_EQ(getUnsignedBitWidth({0, 0}), 1u);
  EXPECT_EQ(getUnsignedBitWidth({0, 1}), 1u);
  EXPECT_EQ(getUnsignedBitWidth({0, 255}), 8u);
  EXPECT_EQ(getUnsignedBitWidth({3, 256}), 9u);
}

} // namespace

namespace {

int64_t l1Norm(const std::vector<int64_t> &values) {
  int64_t norm = 0;
  for (int64_t v : values)
    norm += v < 0 ? -v : v;
  return norm;
}

/// `count` weights drawn from N(0, 1).
std::vector<double> normalWeights(std::mt19937_64 &rng, size_t count) {
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> weights(count);
  for (double &w : weights)
    w = normal(rng);
  return weights;
}

TEST(BudgetedWeights, WithoutBudgetTheLargestWeightMapsToTheEnd) {
  std::vector<int64_t> q;
  double scale = quantizeChannelWithBudget({0.5, -1.27, 0.1}, 8, true, 0, q);
  EXPECT_EQ(scale, static_cast<double>(static_cast<float>(1.27 / 127)));
  EXPECT_EQ(q, (std::vector<int64_t>{50, -127, 10}));
}

TEST(BudgetedWeights, TheBudgetBoundsTheL1NormOfTheIntegers) {
  std::mt19937_64 rng(5);
  for (int64_t budget : {1, 7, 36, 85, 255, 1000}) {
    std::vector<double> weights = normalWeights(rng, 64);
    std::vector<int64_t> q;
    double scale = quantizeChannelWithBudget(weights, 8, true, budget, q);
    EXPECT_LE(l1Norm(q), budget) << "budget " << budget;
    for (int64_t v : q)
      EXPECT_LE(v < 0 ? -v : v, 127);
    // Not needlessly coarse: the real-valued bound is nearly met.
    double l1 = 0;
    for (double w : weights)
      l1 += std::fabs(w);
    EXPECT_LE(scale, std::max(l1 / budget, 4.0 / 127) * 1.2 + 1e-6)
        << "budget " << budget;
  }
}

TEST(BudgetedWeights, ZeroWeightsAndTinyBudgets) {
  std::vector<int64_t> q;
  EXPECT_EQ(quantizeChannelWithBudget({0.0, 0.0}, 4, true, 3, q), 1.0);
  EXPECT_EQ(q, (std::vector<int64_t>{0, 0}));
  quantizeChannelWithBudget({1.0, -1.0, 1.0}, 8, true, 1, q);
  EXPECT_LE(l1Norm(q), 1);
}

} // namespace

namespace {

TEST(WeightedBudget, UnimportantWeightsAreDroppedFirst) {
  // Two large weights on inputs that never vary, two small ones that matter:
  // the budget goes to the ones that matter.
  std::vector<int64_t> q;
  double scale = quantizeChannelWeighted({1.0, -1.0, 0.1, 0.05},
                                         {0.0, 0.0, 1.0, 1.0}, 8, true, 3, q);
  EXPECT_EQ(q[0], 0);
  EXPECT_EQ(q[1], 0);
  EXPECT_LE(std::llabs(q[2]) + std::llabs(q[3]), 3);
  EXPECT_NEAR(scale * q[2], 0.1, 0.05);
}

TEST(WeightedBudget, NeverWorseThanPlainBudgetedRounding) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int64_t budget : {5, 20, 85, 300}) {
    std::vector<double> weights(100), importance(100);
    for (size_t i = 0; i < weights.size(); ++i) {
      weights[i] = normal(rng);
      importance[i] = uniform(rng);
    }
    std::vector<int64_t> plain, weighted;
    double plainScale =
        quantizeChannelWithBudget(weights, 8, true, budget, plain);
    double error = 0;
    double scale = quantizeChannelWeighted(weights, importance, 8, true, budget,
                                           weighted, &error);
    int64_t norm = 0;
    double plainError = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      norm += std::llabs(weighted[i]);
      double e = weights[i] - plainScale * plain[i];
      plainError += importance[i] * e * e;
    }
    EXPECT_LE(norm, budget);
    EXPECT_LE(error, plainError * (1 + 1e-12));
    EXPECT_GT(scale, 0);
  }
}

} // namespace

namespace {

/// The largest l1 norm over runs of `size` consecutive integers.
int64_t largestSegmentNorm(const std::vector<int64_t> &q, size_t size) {
  int64_t largest = 0;
  for (size_t begin = 0; begin < q.size(); begin += size) {
    std::vector<int64_t> segment(q.begin() + begin,
                                 q.begin() + std::min(q.size(), begin + size));
    largest = std::max(largest, l1Norm(segment));
  }
  return largest;
}

TEST(SegmentBudget, EachSegmentMeetsTheBudget) {
  std::mt19937_64 rng(11);
  std::vector<double> weights = normalWeights(rng, 64), importance(64, 1.0);
  for (size_t size : {16, 20, 64}) {
    for (int64_t budget : {3, 35, 200}) {
      std::vector<int64_t> plain, weighted;
      quantizeChannelWithBudget(weights, 8, true, budget, plain, size);
      quantizeChannelWeighted(weights, importance, 8, true, budget, weighted,
                              nullptr, size);
      EXPECT_LE(largestSegmentNorm(plain, size), budget)
          << "size " << size << ", budget " << budget;
      EXPECT_LE(largestSegmentNorm(weighted, size), budget)
          << "size " << size << ", budget " << budget;
    }
  }
}

TEST(SegmentBudget, SegmentsAllowFinerScalesThanOneBudget) {
  // Four segments of 16 weights with 35 units each hold more precision
  // than 35 units over all 64: the scale is finer and the error smaller.
  std::mt19937_64 rng(12);
  std::vector<double> weights = normalWeights(rng, 64), importance(64, 1.0);
  std::vector<int64_t> whole, split;
  double wholeError = 0, splitError = 0;
  double wholeScale = quantizeChannelWeighted(weights, importance, 8, true, 35,
                                              whole, &wholeError);
  double splitScale = quantizeChannelWeighted(weights, importance, 8, true, 35,
                                              split, &splitError, 16);
  EXPECT_LT(splitScale, wholeScale);
  EXPECT_LT(splitError, wholeError / 4);
  EXPECT_GT(l1Norm(split), 35);
}

TEST(SegmentBudget, ASegmentAsLongAsTheChannelIsOneBudget) {
  std::vector<double> weights{0.3, -1.2, 0.7, 0.05, -0.4};
  std::vector<int64_t> whole, segmented;
  double a = quantizeChannelWithBudget(weights, 8, true, 9, whole);
  double b = quantizeChannelWithBudget(weights, 8, true, 9, segmented, 5);
  EXPECT_EQ(a, b);
  EXPECT_EQ(whole, segmented);
}

} // namespace

namespace {

TEST(ChunkParts, RunsOfTheCeilingOfTheQuotient) {
  using Parts = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(getChunkParts(64, 4),
            (Parts{{0, 16}, {16, 32}, {32, 48}, {48, 64}}));
  EXPECT_EQ(getChunkParts(10, 4), (Parts{{0, 3}, {3, 6}, {6, 9}, {9, 10}}));
  // Fewer parts than chunks when the runs cover the terms early.
  EXPECT_EQ(getChunkParts(9, 4), (Parts{{0, 3}, {3, 6}, {6, 9}}));
  EXPECT_EQ(getChunkParts(5, 1), (Parts{{0, 5}}));
  EXPECT_EQ(getChunkParts(2, 2), (Parts{{0, 1}, {1, 2}}));
}

TEST(ChunkParts, DropBitsAreTheLogarithm) {
  EXPECT_EQ(getChunkDropBits(1), 0u);
  EXPECT_EQ(getChunkDropBits(2), 1u);
  EXPECT_EQ(getChunkDropBits(4), 2u);
  EXPECT_EQ(getChunkDropBits(8), 3u);
}

} // namespace

namespace {

TEST(IntegerRangeJoin, TheSmallestIntervalHoldingBoth) {
  EXPECT_EQ((IntegerRange{-3, 2}.join({1, 7})), (IntegerRange{-3, 7}));
  EXPECT_EQ((IntegerRange{0, 0}.join({-5, -4})), (IntegerRange{-5, 0}));
  // The empty start {INT64_MAX, INT64_MIN} joins to the other interval.
  EXPECT_EQ((IntegerRange{INT64_MAX, INT64_MIN}.join({4, 9})),
            (IntegerRange{4, 9}));
}

TEST(WeightedBudget, TheScaleIsRefittedToTheIntegers) {
  // Whatever integers the budget leaves, their scale is the weighted
  // least-squares one: sum(i w q) / sum(i q^2) (up to float32 rounding).
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0.1, 1);
  for (int64_t budget : {3, 12, 40}) {
    std::vector<double> weights(24), importance(24);
    for (size_t i = 0; i < weights.size(); ++i) {
      weights[i] = normal(rng);
      importance[i] = uniform(rng);
    }
    std::vector<int64_t> q;
    double error = 0;
    double scale = quantizeChannelWeighted(weights, importance, 8, true, budget,
                                           q, &error);
    double cross = 0, squares = 0, check = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      cross += importance[i] * weights[i] * q[i];
      squares += importance[i] * q[i] * q[i];
    }
    ASSERT_GT(squares, 0);
    EXPECT_NEAR(scale, cross / squares, 1e-6 * cross / squares);
    for (size_t i = 0; i < weights.size(); ++i) {
      double e = weights[i] - scale * q[i];
      check += importance[i] * e * e;
    }
    EXPECT_NEAR(error, check, 1e-9);
  }
}

TEST(WeightedBudget, AllZeroWeightsKeepScaleOne) {
  std::vector<int64_t> q;
  double scale = quantizeChannelWeighted({0.0, 0.0}, {1.0, 1.0}, 8, true, 4, q);
  EXPECT_EQ(scale, 1.0);
  EXPECT_EQ(q, (std::vector<int64_t>{0, 0}));
}

} // namespace

namespace {

// Non-finite weights have no quantization: the passes report them with the
// constant's location before quantizing; the helpers themselves stay
// defined (no NaN converted to an integer, no signed overflow).
TEST(NonFiniteWeights, GiveZeroIntegersAndScaleOne) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::vector<double> weights :
       {std::vector<double>{1.0, inf}, {-inf, 0.5}, {nan, 0.25, -1.0}}) {
    std::vector<int64_t> q;
    EXPECT_EQ(quantizeChannelWithBudget(weights, 8, true, 40, q), 1.0);
    EXPECT_EQ(q, std::vector<int64_t>(weights.size(), 0));
    EXPECT_EQ(quantizeChannelWithBudget(weights, 8, true, 0, q, 1), 1.0);
    EXPECT_EQ(q, std::vector<int64_t>(weights.size(), 0));
    double error = 0;
    std::vector<double> importance(weights.size(), 1.0);
    EXPECT_EQ(
        quantizeChannelWeighted(weights, importance, 8, true, 40, q, &error),
        1.0);
    EXPECT_EQ(q, std::vector<int64_t>(weights.size(), 0));
    EXPECT_TRUE(std::isinf(error));
  }
}

TEST(NonFiniteWeights, ANonFiniteImportanceToo) {
  std::vector<int64_t> q;
  double error = 0;
  EXPECT_EQ(quantizeChannelWeighted(
                {0.5, -0.5}, {1.0, std::numeric_limits<double>::quiet_NaN()}, 8,
                true, 10, q, &error),
            1.0);
  EXPECT_EQ(q, (std::vector<int64_t>{0, 0}));
  EXPECT_TRUE(std::isinf(error));
}

} // namespace
