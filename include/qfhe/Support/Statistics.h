//===- Statistics.h - statistics of observed values -------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What calibration records of a set of reals besides its range: the mean
// square (what the error of a weight times this input scales with) and
// quantiles (how heavy the tails are, and where a clipped range would cut).
// Data too large to keep is read twice: once for the range and the sum of
// squares, once into a histogram of that range. Free of MLIR so that it can
// be unit tested and reused.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_STATISTICS_H
#define QFHE_SUPPORT_STATISTICS_H

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
namespace qfhe {

/// The quantile levels `quant-run calibrate` records: 0.0001, 0.001, 0.01,
/// 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 0.9999.
const std::vector<double> &getCalibrationQuantileLevels();

/// Statistics of a set of reals; NaN and infinite elements are not part of
/// the set.
struct SummaryStatistics {
  /// Number of (finite) elements.
  int64_t count = 0;
  /// Smallest and largest element; 0 when there is none.
  double min = 0, max = 0;
  /// Mean of the squared elements; 0 when there is none.
  double meanSquare = 0;
  /// The value below which a fraction `level` of the elements lies, for
  /// each level asked: accurate to one histogram bin, (max - min) / 1024,
  /// within [min, max], non-decreasing in the level; empty when count is 0.
  std::vector<double> quantiles;
};

/// What calibration records of one value (`#qfhe.observed`): the range, mean
/// square and quantiles of all its elements and, along an axis, of each
/// channel.
struct ObservedStatistics {
  double min = 0, max = 0;
  std::optional<double> meanSquare;
  /// Levels in [0, 1], increasing, and the quantiles at them.
  std::vector<double> quantileLevels, quantiles;
  /// The dimension indexing channels; the channel vectors are empty
  /// without it.
  std::optional<int64_t> axis;
  std::vector<double> channelMin, channelMax;
  /// One per channel, or empty.
  std::vector<double> channelMeanSquare;
  /// One list of quantiles at `quantileLevels` per channel, or empty.
  std::vector<std::vector<double>> channelQuantiles;
};

/// Collects SummaryStatistics of data read twice, in the same order or not:
/// addToRange for every element, then addToHistogram for every element
/// again, then summarize. Memory is constant in the number of elements.
class TwoPassStatistics {
public:
  /// Bins of the histogram of the second pass.
  static constexpr unsigned kBins = 1024;

  /// First pass: the range, count and sum of squares.
  void addToRange(double value);
  /// Second pass: the histogram of the range the first pass found. Values
  /// outside it (not seen in the first pass) fall into its end bins.
  void addToHistogram(double value);
  /// The statistics, with the quantiles at `levels` (each in [0, 1]).
  SummaryStatistics summarize(const std::vector<double> &levels) const;

  int64_t getCount() const { return count; }

private:
  /// The histogram bin of `value`.
  unsigned binOf(double value) const;

  int64_t count = 0;
  double min = 0, max = 0, sumOfSquares = 0;
  std::vector<uint64_t> histogram;
};

/// SummaryStatistics of `values`, with the quantiles at `levels`.
SummaryStatistics computeStatistics(const std::vector<double> &values,
                                    const std::vector<double> &levels);

/// The quantile at `level` of an equal-weight mixture of distributions, each
/// known by its quantiles: `distributions[c]` holds min, then the quantiles
/// at `levels` (increasing, in (0, 1)), then max, non-decreasing. Each
/// distribution's cumulative distribution is interpolated linearly between
/// those points. Used where the channels of a value are rescaled one by one
/// and the statistics of the whole value must follow. `distributions` is
/// not empty.
double
estimateMixtureQuantile(const std::vector<double> &levels,
                        const std::vector<std::vector<double>> &distributions,
                        double level);

/// estimateMixtureQuantile at each of `targets`, in one sweep of the
/// mixture's points: the same quantiles, each point's cumulative computed
/// once for all targets. Each target's sweep starts near its answer (found
/// by bisection over the points, with a margin for rounding), so the cost
/// is about the distributions times the points' logarithm per target, not
/// the distributions times the points.
std::vector<double>
estimateMixtureQuantiles(const std::vector<double> &levels,
                         const std::vector<std::vector<double>> &distributions,
                         const std::vector<double> &targets);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_STATISTICS_H
