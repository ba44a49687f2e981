//===- QuantileMeans.cpp - means of distributions known by quantiles ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/QuantileMeans.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir::qfhe;

QuantileFunction
QuantileFunction::fromQuantiles(const std::vector<double> &quantileLevels,
                                const std::vector<double> &quantiles,
                                double min, double max) {
  assert(quantileLevels.size() == quantiles.size() && "one quantile per level");
  QuantileFunction function;
  function.levels.push_back(0.0);
  function.values.push_back(min);
  for (size_t k = 0; k < quantiles.size(); ++k) {
    function.levels.push_back(quantileLevels[k]);
    function.values.push_back(std::clamp(quantiles[k], min, max));
  }
  function.levels.push_back(1.0);
  function.values.push_back(max);
  return function;
}

double mlir::qfhe::getMean(const QuantileFunction &distribution) {
  double mean = 0;
  for (size_t k = 0; k + 1 < distribution.levels.size(); ++k)
    mean += (distribution.levels[k + 1] - distribution.levels[k]) *
            (distribution.values[k] + distribution.values[k + 1]) / 2;
  return mean;
}

namespace {

/// The integral over t in [lo, hi] of clamp(round(t), first, last): a step
/// function of t with steps at the half-integers.
double integrateClampedRound(double lo, double hi, double first, double last) {
  double total = 0;
  // Below first - 0.5 and above last + 0.5 the clamp holds the ends.
  if (lo < first - 0.5) {
    double end = std::min(hi, first - 0.5);
    total += (end - lo) * first;
    lo = end;
  }
  if (hi > last + 0.5) {
    double begin = std::max(lo, last + 0.5);
    total += (hi - begin) * last;
    hi = begin;
  }
  if (!(hi > lo))
    return total;
  // In between, integer j holds on [j - 0.5, j + 0.5).
  for (double j = std::nearbyint(lo); j <= std::nearbyint(hi); ++j) {
    double begin = std::max(lo, j - 0.5), end = std::min(hi, j + 0.5);
    if (end > begin)
      total += (end - begin) * j;
  }
  return total;
}

} // namespace

double mlir::qfhe::getQuantizedMean(const QuantileFunction &distribution,
                                    double scale, int64_t zeroPoint,
                                    IntegerRange storage) {
  assert(scale > 0 && "a positive scale");
  // In units of the scale, relative to the zero point: x / scale rounds to
  // j, clamped to [first, last], and dequantizes to scale * j.
  double first = static_cast<double>(storage.min - zeroPoint);
  double last = static_cast<double>(storage.max - zeroPoint);
  double mean = 0;
  for (size_t k = 0; k + 1 < distribution.levels.size(); ++k) {
    double mass = distribution.levels[k + 1] - distribution.levels[k];
    if (!(mass > 0))
      continue;
    double lo = distribution.values[k] / scale;
    double hi = distribution.values[k + 1] / scale;
    double average;
    if (hi > lo)
      average = integrateClampedRound(lo, hi, first, last) / (hi - lo);
    else
      average = std::clamp(std::nearbyint(lo), first, last);
    mean += mass * average * scale;
  }
  return mean;
}
