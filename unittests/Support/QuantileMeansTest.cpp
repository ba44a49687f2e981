//===- QuantileMeansTest.cpp - tests of means from quantiles --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/QuantileMeans.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qfhe;

namespace {

/// The uniform distribution on [lo, hi].
QuantileFunction uniform(double lo, double hi) { return {{0, 1}, {lo, hi}}; }

/// The mean of dequantize(quantize(x)) over `samples` points of each piece,
/// spread evenly: the brute-force oracle.
double sampledQuantizedMean(const QuantileFunction &f, double scale,
                            int64_t zeroPoint, IntegerRange storage) {
  const int samples = 200000;
  double total = 0;
  for (size_t k = 0; k + 1 < f.levels.size(); ++k) {
    double mass = f.levels[k + 1] - f.levels[k], sum = 0;
    for (int i = 0; i < samples; ++i) {
      double x =
          f.values[k] + (f.values[k + 1] - f.values[k]) * (i + 0.5) / samples;
      sum += dequantizeValue(quantizeValue(x, scale, zeroPoint, storage), scale,
                             zeroPoint);
    }
    total += mass * sum / samples;
  }
  return total;
}

TEST(QuantileMeans, MeanOfPiecesAndPointMasses) {
  EXPECT_DOUBLE_EQ(getMean(uniform(-1, 3)), 1.0);
  // Half the mass at 0 (a flat piece), half uniform on [0, 4]: mean 1.
  QuantileFunction relu{{0, 0.5, 1}, {0, 0, 4}};
  EXPECT_DOUBLE_EQ(getMean(relu), 1.0);
  EXPECT_DOUBLE_EQ(getMean({{0, 1}, {2.5, 2.5}}), 2.5);
}

TEST(QuantileMeans, FromQuantilesPutsTheRangeAtTheEnds) {
  QuantileFunction f =
      QuantileFunction::fromQuantiles({0.25, 0.75}, {1, 3}, 0, 4);
  EXPECT_EQ(f.levels, (std::vector<double>{0, 0.25, 0.75, 1}));
  EXPECT_EQ(f.values, (std::vector<double>{0, 1, 3, 4}));
  EXPECT_DOUBLE_EQ(getMean(f), 2.0);
}

TEST(QuantileMeans, QuantizationOfASymmetricRangeKeepsTheMean) {
  // Uniform on [-2, 2] at scale 1: rounding is symmetric around 0.
  EXPECT_NEAR(getQuantizedMean(uniform(-2, 2), 1.0, 0, {-8, 7}), 0.0, 1e-12);
}

TEST(QuantileMeans, CoarseRoundingOfASkewedDistributionShiftsTheMean) {
  // Uniform on [0, 0.6] at scale 1: [0, 0.5) rounds to 0, [0.5, 0.6] to 1,
  // so the quantized mean is 1/6 where the mean is 0.3.
  QuantileFunction f = uniform(0, 0.6);
  EXPECT_NEAR(getQuantizedMean(f, 1.0, 0, {-4, 3}), 1.0 / 6, 1e-12);
  EXPECT_NEAR(getMean(f), 0.3, 1e-12);
}

TEST(QuantileMeans, ClampingAtTheStorageEnds) {
  // Uniform on [0, 10] into [0, 3] (scale 1, zero point 0): x >= 2.5 gives
  // 3: mean (0.5 * 0 + 1 * 1 + 1 * 2 + 7.5 * 3) / 10 = 2.55.
  EXPECT_NEAR(getQuantizedMean(uniform(0, 10), 1.0, 0, {0, 3}), 2.55, 1e-12);
  // Entirely below the storage: every value reads the lowest integer.
  EXPECT_NEAR(getQuantizedMean(uniform(-9, -5), 0.5, 2, {0, 3}), -1.0, 1e-12);
  // A point mass above the storage saturates too.
  EXPECT_NEAR(getQuantizedMean({{0, 1}, {40, 40}}, 1.0, -4, {-4, 3}), 7.0,
              1e-12);
}

TEST(QuantileMeans, ZeroPointShiftsTheGridNotTheMean) {
  // An unsigned 3-bit storage with zero point 4 reads reals in [-4, 3].
  QuantileFunction f = uniform(-1.3, 2.2);
  EXPECT_NEAR(getQuantizedMean(f, 1.0, 4, {0, 7}),
              getQuantizedMean(f, 1.0, 0, {-4, 3}), 1e-12);
}

TEST(QuantileMeans, AgreesWithSamplingOnRandomDistributions) {
  std::mt19937 random(17);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int trial = 0; trial < 20; ++trial) {
    QuantileFunction f;
    double value = -3 + 2 * unit(random);
    f.levels = {0};
    f.values = {value};
    for (int k = 1; k <= 5; ++k) {
      f.levels.push_back(k / 5.0);
      // Some pieces flat (point masses), some wide.
      value += unit(random) < 0.3 ? 0.0 : 3 * unit(random);
      f.values.push_back(value);
    }
    double scale = 0.1 + unit(random);
    int64_t zeroPoint = static_cast<int64_t>(unit(random) * 8) - 4;
    IntegerRange storage{-8, 7};
    EXPECT_NEAR(getQuantizedMean(f, scale, zeroPoint, storage),
                sampledQuantizedMean(f, scale, zeroPoint, storage), 1e-4)
        << "trial " << trial;
  }
}

} // namespace
