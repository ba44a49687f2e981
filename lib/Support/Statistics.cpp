//===- Statistics.cpp - statistics of observed values ---------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Statistics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir::qfhe;

const std::vector<double> &mlir::qfhe::getCalibrationQuantileLevels() {
  static const std::vector<double> levels = {
      0.0001, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 0.9999};
  return levels;
}

void TwoPassStatistics::addToRange(double value) {
  if (!std::isfinite(value))
    return;
  // Adding 0 turns -0 into +0.
  value += 0.0;
  if (count == 0) {
    min = max = value;
  } else {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  sumOfSquares += value * value;
  ++count;
}

unsigned TwoPassStatistics::binOf(double value) const {
  if (!(max > min))
    return 0;
  double position = (value - min) / (max - min) * kBins;
  if (!(position >= 0))
    return 0;
  return static_cast<unsigned>(
      std::min(std::floor(position), static_cast<double>(kBins - 1)));
}

void TwoPassStatistics::addToHistogram(double value) {
  if (!std::isfinite(value))
    return;
  if (histogram.empty())
    histogram.assign(kBins, 0);
  ++histogram[binOf(value)];
}

SummaryStatistics
TwoPassStatistics::summarize(const std::vector<double> &levels) const {
  SummaryStatistics stats;
  stats.count = count;
  if (count == 0)
    return stats;
  stats.min = min;
  stats.max = max;
  stats.meanSquare = sumOfSquares / static_cast<double>(count);
  uint64_t total = 0;
  for (uint64_t binCount : histogram)
    total += binCount;
  if (total == 0)
    return stats;
  double width = (max - min) / kBins;
  for (double level : levels) {
    assert(level >= 0 && level <= 1 && "a quantile level is in [0, 1]");
    double target = level * static_cast<double>(total);
    double value = max;
    uint64_t below = 0;
    for (unsigned bin = 0; bin < kBins; ++bin) {
      uint64_t inBin = histogram[bin];
      if (inBin > 0 && static_cast<double>(below + inBin) >= target) {
        // Spread evenly over the bin.
        double fraction =
            (target - static_cast<double>(below)) / static_cast<double>(inBin);
        value = min + width * (bin + std::max(fraction, 0.0));
        break;
      }
      below += inBin;
    }
    stats.quantiles.push_back(std::clamp(value, min, max));
  }
  return stats;
}

SummaryStatistics
mlir::qfhe::computeStatistics(const std::vector<double> &values,
                              const std::vector<double> &levels) {
  TwoPassStatistics statistics;
  for (double value : values)
    statistics.addToRange(value);
  for (double value : values)
    statistics.addToHistogram(value);
  return statistics.summarize(levels);
}

/// The cumulative distribution at `x` of a distribution known by the points
/// (values[i], cumulative[i]), interpolated linearly between points where
/// values increase; where values repeat it jumps. `first` is the first point
/// not counted at `x` (the first above it, or at or above it for the limit
/// from below), in (0, size).
static double interpolateCumulative(const std::vector<double> &values,
                                    const std::vector<double> &cumulative,
                                    double x, size_t first) {
  size_t i = first;
  // values[i - 1] < x < values[i] (or x is at values[i - 1] from the right).
  if (values[i] > values[i - 1] && x > values[i - 1])
    return cumulative[i - 1] + (cumulative[i] - cumulative[i - 1]) *
                                   (x - values[i - 1]) /
                                   (values[i] - values[i - 1]);
  return cumulative[i - 1];
}

/// How far the computed mixture's limits, read in the sweep's order, can
/// fall below an earlier one: infinite when they cannot be trusted to grow
/// (points out of order, levels not increasing, non-finite values,
/// magnitudes where the interpolation may underflow or overflow), so that no
/// step is skipped.
/// Each distribution's limit is, exactly, a nondecreasing function of x
/// in [0, 1] (its cumulative distribution), computed in five operations on
/// nonnegative numbers (relative error at most 6u, u = 2^-53); their sum in
/// channel order adds at most (C - 1)u relative, the division by C u: the
/// computed mixture is within about (C + 8)u of the exact one (at most 1),
/// so a later limit is at least an earlier one minus twice that. The margin
/// is four times it.
static double getMixtureMonotonicityMargin(
    const std::vector<double> &levels,
    const std::vector<std::vector<double>> &distributions) {
  constexpr double kTiny = 0x1p-900, kHuge = 0x1p900;
  double previousLevel = 0;
  for (double level : levels) {
    if (!(level > previousLevel && level < 1))
      return INFINITY;
    previousLevel = level;
  }
  for (const std::vector<double> &distribution : distributions) {
    if (!std::is_sorted(distribution.begin(), distribution.end()))
      return INFINITY;
    for (double value : distribution) {
      double magnitude = std::fabs(value);
      if (!(magnitude == 0 || (magnitude >= kTiny && magnitude <= kHuge)))
        return INFINITY;
    }
  }
  return 8.0 * (static_cast<double>(distributions.size()) + 8.0) * 0x1p-53;
}

std::vector<double> mlir::qfhe::estimateMixtureQuantiles(
    const std::vector<double> &levels,
    const std::vector<std::vector<double>> &distributions,
    const std::vector<double> &targets) {
  assert(!distributions.empty() && "a mixture of at least one distribution");
  std::vector<double> cumulative = {0.0};
  cumulative.insert(cumulative.end(), levels.begin(), levels.end());
  cumulative.push_back(1.0);
  assert(std::all_of(distributions.begin(), distributions.end(),
                     [&](const std::vector<double> &distribution) {
                       return distribution.size() == cumulative.size();
                     }) &&
         "min, one quantile per level, max");
  // The mixture's cumulative distribution, summed over the distributions in
  // order. A distribution whose points are all above `x` adds exactly 0 and
  // is skipped; one whose points are all below adds its last cumulative.
  // Each distribution's first point not counted is found by a cursor that
  // moves forward as x grows (the sweep asks in increasing order of x, the
  // limit from below first): linear in the points, not a bisection per
  // distribution and point. A query before the last one starts over.
  std::vector<size_t> firstUncounted(distributions.size(), 0);
  double lastX = -INFINITY;
  bool lastLeft = true;
  auto mixture = [&](double x, bool left) {
    if (x < lastX || (x == lastX && left && !lastLeft))
      std::fill(firstUncounted.begin(), firstUncounted.end(), 0);
    lastX = x;
    lastLeft = left;
    double sum = 0;
    for (size_t c = 0, e = distributions.size(); c < e; ++c) {
      const std::vector<double> &distribution = distributions[c];
      if (left ? x <= distribution.front() : x < distribution.front())
        continue;
      if (left ? x > distribution.back() : x >= distribution.back()) {
        sum += cumulative.back();
        continue;
      }
      size_t &first = firstUncounted[c];
      while (left ? distribution[first] < x : distribution[first] <= x)
        ++first;
      if (first > 0) // 0 only when x is NaN: nothing below it
        sum += interpolateCumulative(distribution, cumulative, x, first);
    }
    return sum / static_cast<double>(distributions.size());
  };
  // The mixture's cumulative distribution is linear between the points of
  // all distributions and may jump at them: find the first point where it
  // reaches a level; the answer is on the segment before it, or the point
  // itself when the jump there reaches it. Every level reads the same
  // points, so each point's two limits are computed once, when first asked.
  std::vector<double> points;
  for (const std::vector<double> &distribution : distributions)
    points.insert(points.end(), distribution.begin(), distribution.end());
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  std::vector<double> below(points.size(), NAN), atOrBelow(points.size(), NAN);
  auto limit = [&](std::vector<double> &cache, size_t i, bool left) {
    if (std::isnan(cache[i]))
      cache[i] = mixture(points[i], left);
    return cache[i];
  };
  // The limits in the order the sweep reads them: step 0 is the first
  // point's cumulative, step 2i - 1 the limit from below at point i, step 2i
  // its cumulative.
  size_t steps = 2 * points.size() - 1;
  auto atStep = [&](size_t step) {
    size_t i = (step + 1) / 2;
    return step % 2 ? limit(below, i, /*left=*/true)
                    : limit(atOrBelow, i, /*left=*/false);
  };
  // The sweep reads the limits until one reaches the level; the limits
  // grow with the step up to rounding, so the steps before one a margin
  // below the level cannot reach it, and bisection finds where to start.
  double margin = getMixtureMonotonicityMargin(levels, distributions);
  auto quantile = [&](double level) {
    // Invariant: step `skip - 1` (and so every step before) is more than
    // `margin` below the level; step `end` is not (or is past the last).
    size_t skip = 0, end = std::isfinite(margin) ? steps : 0;
    while (end > skip) {
      size_t middle = skip + (end - skip) / 2;
      if (atStep(middle) < level - margin)
        skip = middle + 1;
      else
        end = middle;
    }
    // The sweep from the first step not skipped, which reads the previous
    // point's cumulative (below the level).
    if (skip == 0 && limit(atOrBelow, 0, /*left=*/false) >= level)
      return points.front();
    size_t first = std::max<size_t>((skip + 1) / 2, 1);
    if (first >= points.size())
      return points.back();
    double previous = points[first - 1];
    double previousCumulative = limit(atOrBelow, first - 1, /*left=*/false);
    for (size_t i = first; i < points.size(); ++i) {
      double point = points[i];
      double left = limit(below, i, /*left=*/true);
      if (left >= level) {
        double fraction =
            (level - previousCumulative) / (left - previousCumulative);
        return fraction >= 1 ? point : previous + fraction * (point - previous);
      }
      double atPoint = limit(atOrBelow, i, /*left=*/false);
      if (atPoint >= level)
        return point;
      previous = point;
      previousCumulative = atPoint;
    }
    return points.back();
  };
  std::vector<double> quantiles;
  for (double target : targets)
    quantiles.push_back(quantile(target));
  return quantiles;
}

double mlir::qfhe::estimateMixtureQuantile(
    const std::vector<double> &levels,
    const std::vector<std::vector<double>> &distributions, double level) {
  return estimateMixtureQuantiles(levels, distributions, {level}).front();
}
