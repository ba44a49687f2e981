//===- StatisticsTest.cpp - tests of the calibration statistics -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Statistics.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace mlir::qfhe;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The exact quantile of `values` at `level`: the smallest element with at
/// least level * n elements at or below it.
double exactQuantile(std::vector<double> values, double level) {
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(level * values.size()));
  return values[std::max<size_t>(rank, 1) - 1];
}

/// Pairs of equal-length vectors' elements.
std::vector<std::pair<double, double>> zipped(const std::vector<double> &a,
                                              const std::vector<double> &b) {
  EXPECT_EQ(a.size(), b.size());
  std::vector<std::pair<double, double>> pairs;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    pairs.push_back({a[i], b[i]});
  return pairs;
}

std::vector<double> normalSample(size_t n, double sigma, unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> values(n);
  for (double &value : values)
    value = normal(generator);
  return values;
}

TEST(Statistics, CalibrationLevelsIncreaseInsideZeroOne) {
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  ASSERT_EQ(levels.size(), 11u);
  EXPECT_EQ(levels.front(), 0.0001);
  EXPECT_EQ(levels[5], 0.5);
  EXPECT_EQ(levels.back(), 0.9999);
  EXPECT_TRUE(std::is_sorted(levels.begin(), levels.end()));
}

TEST(Statistics, NothingSeen) {
  SummaryStatistics stats = computeStatistics({}, {0.5});
  EXPECT_EQ(stats.count, 0);
  EXPECT_EQ(stats.meanSquare, 0.0);
  EXPECT_TRUE(stats.quantiles.empty());
}

TEST(Statistics, NaNAndInfinitiesAreNotPartOfTheSet) {
  SummaryStatistics stats =
      computeStatistics({1.0, kNaN, 3.0, kInf, -kInf, kNaN}, {0.0, 1.0});
  EXPECT_EQ(stats.count, 2);
  EXPECT_EQ(stats.min, 1.0);
  EXPECT_EQ(stats.max, 3.0);
  EXPECT_EQ(stats.meanSquare, 5.0);
  EXPECT_EQ(stats.quantiles, (std::vector<double>{1.0, 3.0}));

  SummaryStatistics onlyNaN = computeStatistics({kNaN, kNaN}, {0.5});
  EXPECT_EQ(onlyNaN.count, 0);
  EXPECT_TRUE(onlyNaN.quantiles.empty());
}

TEST(Statistics, ConstantData) {
  SummaryStatistics stats =
      computeStatistics(std::vector<double>(100, 2.5), {0.0, 0.01, 0.5, 1.0});
  EXPECT_EQ(stats.count, 100);
  EXPECT_EQ(stats.min, 2.5);
  EXPECT_EQ(stats.max, 2.5);
  EXPECT_EQ(stats.meanSquare, 6.25);
  EXPECT_EQ(stats.quantiles, (std::vector<double>(4, 2.5)));
}

TEST(Statistics, OneSample) {
  SummaryStatistics stats = computeStatistics({-3.0}, {0.001, 0.5, 0.999});
  EXPECT_EQ(stats.count, 1);
  EXPECT_EQ(stats.min, -3.0);
  EXPECT_EQ(stats.max, -3.0);
  EXPECT_EQ(stats.meanSquare, 9.0);
  EXPECT_EQ(stats.quantiles, (std::vector<double>(3, -3.0)));
}

TEST(Statistics, NegativeZeroIsZero) {
  SummaryStatistics stats = computeStatistics({-0.0}, {0.5});
  EXPECT_FALSE(std::signbit(stats.min));
  EXPECT_FALSE(std::signbit(stats.max));
  EXPECT_FALSE(std::signbit(stats.quantiles.front()));
}

TEST(Statistics, EndsAreTheRange) {
  SummaryStatistics stats = computeStatistics({4.0, -1.0, 0.5, 2.0}, {0, 1});
  EXPECT_EQ(stats.quantiles, (std::vector<double>{-1.0, 4.0}));
}

TEST(Statistics, QuantilesWithinABinOfTheExactOnes) {
  std::vector<double> values;
  for (int i = 0; i <= 100000; ++i)
    values.push_back(i / 100000.0);
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  SummaryStatistics stats = computeStatistics(values, levels);
  double bin = 1.0 / TwoPassStatistics::kBins;
  for (auto [level, quantile] : zipped(levels, stats.quantiles))
    EXPECT_NEAR(quantile, exactQuantile(values, level), bin) << level;
  EXPECT_NEAR(stats.meanSquare, 1.0 / 3.0, 1e-4);
}

TEST(Statistics, HeavyTails) {
  // Z-scored data where a few samples reach 11 standard deviations, as the
  // breast-cancer features do: the mean square is near 1, far below what a
  // value spread evenly over [min, max] would have, and the quantiles show
  // where the bulk ends.
  std::vector<double> values = normalSample(20000, 1.0, 1);
  values.insert(values.end(), {11.0, 10.5, 9.0});
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  SummaryStatistics stats = computeStatistics(values, levels);
  EXPECT_EQ(stats.max, 11.0);
  EXPECT_NEAR(stats.meanSquare, 1.0, 0.05);
  double uniformMeanSquare =
      (stats.min * stats.min + stats.min * stats.max + stats.max * stats.max) /
      3.0;
  EXPECT_GT(uniformMeanSquare / stats.meanSquare, 20.0);
  double bin = (stats.max - stats.min) / TwoPassStatistics::kBins;
  for (auto [level, quantile] : zipped(levels, stats.quantiles))
    EXPECT_NEAR(quantile, exactQuantile(values, level), bin) << level;
  // The 99.9th percentile is near 3.1, less than a third of the max.
  EXPECT_LT(stats.quantiles[9], stats.max / 3);
  EXPECT_TRUE(std::is_sorted(stats.quantiles.begin(), stats.quantiles.end()));
}

TEST(Statistics, SecondPassInAnyOrder) {
  std::vector<double> values = normalSample(5000, 2.0, 2);
  TwoPassStatistics forward, backward;
  for (double value : values) {
    forward.addToRange(value);
    backward.addToRange(value);
  }
  for (double value : values)
    forward.addToHistogram(value);
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    backward.addToHistogram(*it);
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  EXPECT_EQ(forward.summarize(levels).quantiles,
            backward.summarize(levels).quantiles);
}

TEST(Statistics, WithoutTheSecondPassNoQuantiles) {
  TwoPassStatistics statistics;
  statistics.addToRange(1.0);
  statistics.addToRange(2.0);
  SummaryStatistics stats = statistics.summarize({0.5});
  EXPECT_EQ(stats.count, 2);
  EXPECT_EQ(stats.meanSquare, 2.5);
  EXPECT_TRUE(stats.quantiles.empty());
}

TEST(MixtureQuantile, OneDistributionIsInterpolated) {
  // Uniform on [0, 1], known by its median.
  EXPECT_DOUBLE_EQ(estimateMixtureQuantile({0.5}, {{0.0, 0.5, 1.0}}, 0.25),
                   0.25);
  EXPECT_EQ(estimateMixtureQuantile({0.5}, {{0.0, 0.5, 1.0}}, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(estimateMixtureQuantile({0.5}, {{0.0, 0.5, 1.0}}, 1.0), 1.0);
}

TEST(MixtureQuantile, TwoDisjointDistributions) {
  // Uniform on [0, 1] and on [2, 3]: half the mass is at or below 1.
  std::vector<std::vector<double>> both = {{0.0, 0.5, 1.0}, {2.0, 2.5, 3.0}};
  EXPECT_NEAR(estimateMixtureQuantile({0.5}, both, 0.5), 1.0, 1e-12);
  EXPECT_NEAR(estimateMixtureQuantile({0.5}, both, 0.75), 2.5, 1e-12);
}

TEST(MixtureQuantile, ConstantChannel) {
  // One channel always 0, one uniform on [0, 1].
  std::vector<std::vector<double>> channels = {{0.0, 0.0, 0.0},
                                               {0.0, 0.5, 1.0}};
  EXPECT_EQ(estimateMixtureQuantile({0.5}, channels, 0.5), 0.0);
  EXPECT_NEAR(estimateMixtureQuantile({0.5}, channels, 0.75), 0.5, 1e-12);
}

TEST(MixtureQuantile, AJumpReachesTheLevel) {
  // Half the mass at exactly 1, half uniform on [0, 2]: below 1 the mixture
  // has a quarter, at 1 three quarters, so its median is 1.
  std::vector<std::vector<double>> channels = {{1.0, 1.0, 1.0},
                                               {0.0, 1.0, 2.0}};
  EXPECT_EQ(estimateMixtureQuantile({0.5}, channels, 0.5), 1.0);
  EXPECT_NEAR(estimateMixtureQuantile({0.5}, channels, 0.125), 0.5, 1e-12);
  EXPECT_NEAR(estimateMixtureQuantile({0.5}, channels, 0.875), 1.5, 1e-12);
}

TEST(MixtureQuantile, KnotsAreExact) {
  // Two equal channels: the mixture's quantiles are theirs, to the bit.
  std::vector<std::vector<double>> same = {{-2.0, 1.0, 3.0, 4.0},
                                           {-2.0, 1.0, 3.0, 4.0}};
  EXPECT_EQ(estimateMixtureQuantile({0.5, 0.9}, same, 0.5), 1.0);
  EXPECT_EQ(estimateMixtureQuantile({0.5, 0.9}, same, 0.9), 3.0);
}

TEST(MixtureQuantile, CloseToThePooledData) {
  // Two channels of different scales: the mixture of their quantile tables
  // estimates the quantiles of the pooled values.
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  std::vector<double> narrow = normalSample(20000, 1.0, 3);
  std::vector<double> wide = normalSample(20000, 4.0, 4);
  std::vector<std::vector<double>> tables;
  for (const std::vector<double> *values : {&narrow, &wide}) {
    SummaryStatistics stats = computeStatistics(*values, levels);
    std::vector<double> table = {stats.min};
    table.insert(table.end(), stats.quantiles.begin(), stats.quantiles.end());
    table.push_back(stats.max);
    tables.push_back(table);
  }
  std::vector<double> pooled = narrow;
  pooled.insert(pooled.end(), wide.begin(), wide.end());
  // An estimate for clipping candidates (the search measures them): within
  // 10%, the cumulative distributions being interpolated linearly between
  // the recorded levels.
  for (double level : {0.001, 0.01, 0.25, 0.75, 0.99, 0.999}) {
    double exact = exactQuantile(pooled, level);
    EXPECT_NEAR(estimateMixtureQuantile(levels, tables, level), exact,
                0.1 * std::fabs(exact))
        << level;
  }
  EXPECT_NEAR(estimateMixtureQuantile(levels, tables, 0.5),
              exactQuantile(pooled, 0.5), 0.05);
}

/// The mixture quantile by the definition, one level at a time: every
/// distribution's cumulative found by a linear scan at every point of every
/// distribution, summed in order (the first implementation, kept as the
/// reference the sweep must match to the bit).
double
referenceMixtureQuantile(const std::vector<double> &levels,
                         const std::vector<std::vector<double>> &distributions,
                         double level) {
  std::vector<double> cumulative = {0.0};
  cumulative.insert(cumulative.end(), levels.begin(), levels.end());
  cumulative.push_back(1.0);
  auto one = [&](const std::vector<double> &values, double x, bool left) {
    double result = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      if (left ? values[i] < x : values[i] <= x) {
        result = cumulative[i];
        continue;
      }
      if (i > 0 && values[i] > values[i - 1] && x > values[i - 1])
        result = cumulative[i - 1] + (cumulative[i] - cumulative[i - 1]) *
                                         (x - values[i - 1]) /
                                         (values[i] - values[i - 1]);
      break;
    }
    return result;
  };
  auto mixture = [&](double x, bool left) {
    double sum = 0;
    for (const std::vector<double> &distribution : distributions)
      sum += one(distribution, x, left);
    return sum / static_cast<double>(distributions.size());
  };
  std::vector<double> points;
  for (const std::vector<double> &distribution : distributions)
    points.insert(points.end(), distribution.begin(), distribution.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  double previous = points.front();
  double previousCumulative = mixture(previous, false);
  if (previousCumulative >= level)
    return previous;
  for (size_t i = 1; i < points.size(); ++i) {
    double below = mixture(points[i], true);
    if (below >= level) {
      double fraction =
          (level - previousCumulative) / (below - previousCumulative);
      return fraction >= 1 ? points[i]
                           : previous + fraction * (points[i] - previous);
    }
    double atPoint = mixture(points[i], false);
    if (atPoint >= level)
      return points[i];
    previous = points[i];
    previousCumulative = atPoint;
  }
  return points.back();
}

/// Expects the sweep over all `targets` to give, to the bit, the
/// definition's quantile of each.
void expectSweepMatchesReference(
    const std::vector<double> &levels,
    const std::vector<std::vector<double>> &distributions,
    const std::vector<double> &targets) {
  std::vector<double> swept =
      estimateMixtureQuantiles(levels, distributions, targets);
  ASSERT_EQ(swept.size(), targets.size());
  for (size_t i = 0; i < targets.size(); ++i)
    EXPECT_EQ(swept[i],
              referenceMixtureQuantile(levels, distributions, targets[i]))
        << targets[i];
}

TEST(MixtureQuantile, SweepMatchesTheDefinitionToTheBit) {
  // Many channels with shared knots, constant channels, repeated quantiles
  // and channels far apart: the one-sweep estimate of all levels equals the
  // per-level definition exactly, at the recorded levels and between them.
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  std::mt19937 generator(7);
  std::uniform_real_distribution<double> offset(-3.0, 3.0);
  std::uniform_int_distribution<int> kind(0, 3);
  std::vector<std::vector<double>> distributions;
  for (int channel = 0; channel < 64; ++channel) {
    std::vector<double> points;
    int shape = kind(generator);
    double base =
        shape == 3 ? std::round(offset(generator)) : offset(generator);
    for (size_t i = 0; i < levels.size() + 2; ++i) {
      if (shape == 0)
        points.push_back(base);
      else if (shape == 1)
        points.push_back(base + std::floor(i / 3.0));
      else
        points.push_back(base + offset(generator) + 3.0);
    }
    std::sort(points.begin(), points.end());
    distributions.push_back(points);
  }
  std::vector<double> targets = levels;
  for (double level : {0.0, 0.003, 0.3, 0.6, 0.97, 1.0})
    targets.push_back(level);
  std::vector<double> swept =
      estimateMixtureQuantiles(levels, distributions, targets);
  ASSERT_EQ(swept.size(), targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(swept[i],
              referenceMixtureQuantile(levels, distributions, targets[i]))
        << targets[i];
    EXPECT_EQ(swept[i],
              estimateMixtureQuantile(levels, distributions, targets[i]))
        << targets[i];
  }
}

TEST(MixtureQuantile, TargetsInAnyOrderGiveTheSameBits) {
  // The sweep's cursors move forward with the points asked; targets out of
  // order (descending, repeated) must give what each gives alone.
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  std::mt19937 generator(8);
  std::uniform_real_distribution<double> offset(-2.0, 2.0);
  std::vector<std::vector<double>> distributions;
  for (int channel = 0; channel < 40; ++channel) {
    std::vector<double> points;
    for (size_t i = 0; i < levels.size() + 2; ++i)
      points.push_back(channel % 5 == 0 ? 1.0 : offset(generator));
    std::sort(points.begin(), points.end());
    distributions.push_back(points);
  }
  std::vector<double> targets = {1.0, 0.999, 0.5, 0.5, 0.0, 0.25, 0.75};
  expectSweepMatchesReference(levels, distributions, targets);
}

TEST(MixtureQuantile, SkippingByBisectionKeepsTheBits) {
  // Many overlapping channels (the sweep skips the steps far below each
  // level by bisection): channels of a rectified value (many at 0, a jump
  // there) and channels sharing their knots; targets at the recorded
  // levels, between them, and next to them by one ulp.
  const std::vector<double> &levels = getCalibrationQuantileLevels();
  std::mt19937 generator(11);
  std::uniform_real_distribution<double> scale(0.1, 3.0);
  std::uniform_int_distribution<int> kind(0, 2);
  std::vector<std::vector<double>> distributions;
  std::vector<double> shared = {0.0};
  for (size_t i = 1; i < levels.size() + 2; ++i)
    shared.push_back(shared.back() + 0.25);
  for (int channel = 0; channel < 240; ++channel) {
    int shape = kind(generator);
    if (shape == 0) {
      distributions.push_back(shared);
      continue;
    }
    std::vector<double> sample =
        normalSample(400, scale(generator), 100 + channel);
    if (shape == 1)
      for (double &value : sample)
        value = std::max(value, 0.0);
    SummaryStatistics stats = computeStatistics(sample, levels);
    std::vector<double> table = {stats.min};
    table.insert(table.end(), stats.quantiles.begin(), stats.quantiles.end());
    table.push_back(stats.max);
    distributions.push_back(table);
  }
  std::vector<double> targets = {0.0, 1.0, 0.5, 0.123, 0.777};
  for (double level : levels) {
    targets.push_back(level);
    targets.push_back(std::nextafter(level, 0.0));
    targets.push_back(std::nextafter(level, 1.0));
  }
  expectSweepMatchesReference(levels, distributions, targets);
}

TEST(MixtureQuantile, UntrustedInputsAreSweptWhole) {
  // Points out of order, and levels out of order: the limits need not grow,
  // so no step is skipped; the answers are the definition's.
  std::vector<std::vector<double>> distributions;
  for (int channel = 0; channel < 30; ++channel)
    distributions.push_back(
        {0.0 + channel, 3.0 - channel * 0.1, 2.0, 4.0 + channel});
  std::vector<double> levels = {0.3, 0.6};
  std::vector<double> targets = {0.1, 0.3, 0.5, 0.7, 0.95};
  expectSweepMatchesReference(levels, distributions, targets);
  std::vector<std::vector<double>> sorted;
  for (int channel = 0; channel < 30; ++channel)
    sorted.push_back({0.0, 1.0 + channel * 0.01, 2.0, 4.0 + channel});
  expectSweepMatchesReference({0.6, 0.3}, sorted, targets);
}

} // namespace
