//===- QuantMath.cpp - numeric helpers of quantization --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/QuantMath.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace mlir {
namespace qfhe {

IntegerRange getStorageRange(unsigned bits, bool isSigned, bool narrowRange) {
  assert(bits >= 1 && (bits <= 63 || (bits == 64 && isSigned)) &&
         "storage width out of range");
  IntegerRange range;
  if (isSigned) {
    // -2^63 cannot be negated in int64_t: the 64-bit bounds are the type's.
    range.min = bits == 64 ? std::numeric_limits<int64_t>::min()
                           : -(int64_t(1) << (bits - 1));
    range.max = bits == 64 ? std::numeric_limits<int64_t>::max()
                           : (int64_t(1) << (bits - 1)) - 1;
  } else {
    range.min = 0;
    // In unsigned arithmetic: 2^63 is not an int64_t.
    range.max = static_cast<int64_t>((uint64_t(1) << bits) - 1);
  }
  if (narrowRange && range.min < range.max)
    ++range.min;
  return range;
}

/// Rounds a positive scale to float32, keeping it a positive normal number.
static double roundScaleToFloat(double scale) {
  double rounded = static_cast<double>(static_cast<float>(scale));
  return std::max(rounded, static_cast<double>(FLT_MIN));
}

std::optional<AffineParams> computeAffineParams(double lo, double hi,
                                                IntegerRange storage,
                                                QuantScheme scheme) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi ||
      storage.min >= storage.max)
    return std::nullopt;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  int64_t zeroInRange = std::clamp<int64_t>(0, storage.min, storage.max);

  if (scheme == QuantScheme::Symmetric) {
    int64_t zeroPoint = storage.min < 0
                            ? zeroInRange
                            : storage.min + (storage.max - storage.min + 1) / 2;
    double magnitude = std::max(-lo, hi);
    if (magnitude == 0)
      return AffineParams{1.0, zeroPoint};
    int64_t below = zeroPoint - storage.min, above = storage.max - zeroPoint;
    int64_t steps = std::min(below, above);
    if (steps == 0)
      steps = std::max(below, above);
    double scale = roundScaleToFloat(magnitude / static_cast<double>(steps));
    if (!std::isfinite(scale))
      return std::nullopt;
    return AffineParams{scale, zeroPoint};
  }

  if (hi == lo)
    return AffineParams{1.0, zeroInRange};
  double scale = roundScaleToFloat(
      (hi - lo) / static_cast<double>(storage.max - storage.min));
  if (!std::isfinite(scale))
    return std::nullopt;
  double zeroPoint =
      std::nearbyint(static_cast<double>(storage.min) - lo / scale);
  zeroPoint = std::clamp(zeroPoint, static_cast<double>(storage.min),
                         static_cast<double>(storage.max));
  return AffineParams{scale, static_cast<int64_t>(zeroPoint)};
}

int64_t quantizeValue(double x, double scale, int64_t zeroPoint,
                      IntegerRange storage) {
  if (std::isnan(x))
    return zeroPoint;
  double shifted = std::nearbyint(x / scale) + static_cast<double>(zeroPoint);
  shifted = std::clamp(shifted, static_cast<double>(storage.min),
                       static_cast<double>(storage.max));
  return static_cast<int64_t>(shifted);
}

double dequantizeValue(int64_t q, double scale, int64_t zeroPoint) {
  return static_cast<double>(q - zeroPoint) * scale;
}

std::optional<FixedPointMultiplier> computeFixedPointMultiplier(double m) {
  if (!std::isfinite(m) || m <= 0 || m >= 2147483648.0)
    return std::nullopt;
  int exponent = 0;
  double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent
  int64_t multiplier =
      static_cast<int64_t>(std::nearbyint(std::ldexp(fraction, 31)));
  if (multiplier == (int64_t(1) << 31)) {
    multiplier /= 2;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < 0)
    return std::nullopt;
  if (shift > 62) {
    // Too small for a 31-bit mantissa at shift 62: give up low bits.
    int excess = shift - 62;
    multiplier = excess >= 63
                     ? 0
                     : (multiplier + (int64_t(1) << (excess - 1))) >> excess;
    shift = 62;
  }
  return FixedPointMultiplier{multiplier, static_cast<unsigned>(shift)};
}

int64_t applyFixedPointMultiplier(int64_t x, FixedPointMultiplier f) {
  __extension__ typedef __int128 Int128;
  Int128 product = static_cast<Int128>(x) * f.multiplier;
  if (f.shift == 0)
    return static_cast<int64_t>(product);
  Int128 rounded =
      (product + (static_cast<Int128>(1) << (f.shift - 1))) >> f.shift;
  return static_cast<int64_t>(rounded);
}

int64_t roundingShiftRight(int64_t x, unsigned k) {
  assert(k <= 62 && "shift out of range");
  if (k == 0)
    return x;
  int64_t quotient = x >> k; // floor division (arithmetic shift)
  int64_t remainder = x - quotient * (int64_t(1) << k);
  if (remainder >= (int64_t(1) << (k - 1)))
    ++quotient;
  return quotient;
}

unsigned getSignedBitWidth(IntegerRange range) {
  for (unsigned bits = 1; bits < 64; ++bits)
    if (getStorageRange(bits, /*isSigned=*/true).contains(range.min) &&
        getStorageRange(bits, /*isSigned=*/true).contains(range.max))
      return bits;
  return 64;
}

unsigned getUnsignedBitWidth(IntegerRange range) {
  assert(range.min >= 0 && "unsigned width of a negative range");
  for (unsigned bits = 1; bits < 64; ++bits)
    if (range.max <= getStorageRange(bits, /*isSigned=*/false).max)
      return bits;
  return 64;
}

std::vector<std::pair<int64_t, int64_t>> getChunkParts(int64_t terms,
                                                       int64_t chunks) {
  std::vector<std::pair<int64_t, int64_t>> parts;
  int64_t size = chunks > 1 ? (terms + chunks - 1) / chunks : terms;
  size = std::max<int64_t>(size, 1);
  for (int64_t begin = 0; begin < terms; begin += size)
    parts.push_back({begin, std::min(terms, begin + size)});
  return parts;
}

unsigned getChunkDropBits(int64_t chunks) {
  unsigned bits = 0;
  while ((int64_t(1) << bits) < chunks)
    ++bits;
  return bits;
}

/// The segments a budget applies to: runs of `segmentSize` consecutive
/// weights (the whole channel when 0), as [begin, end) index pairs.
static std::vector<std::pair<size_t, size_t>> getSegments(size_t count,
                                                          size_t segmentSize) {
  std::vector<std::pair<size_t, size_t>> segments;
  size_t size = segmentSize ? segmentSize : std::max<size_t>(count, 1);
  for (size_t begin = 0; begin < count; begin += size)
    segments.push_back({begin, std::min(count, begin + size)});
  return segments;
}

/// Rounds every weight with `scale` into `integers`; returns the largest
/// sum |q| over the segments.
static int64_t roundChannel(const std::vector<double> &weights, double scale,
                            IntegerRange storage,
                            std::vector<int64_t> &integers,
                            size_t segmentSize = 0) {
  integers.resize(weights.size());
  // quantizeValue(w, scale, 0, storage), inlined: the quotient is clamped
  // to one past the storage (where rounding cannot reach back inside), so
  // adding and subtracting 1.5 * 2^52 rounds it half to even, as nearbyint
  // does in the default rounding mode.
  double low = static_cast<double>(storage.min) - 1.0;
  double high = static_cast<double>(storage.max) + 1.0;
  double min = static_cast<double>(storage.min);
  double max = static_cast<double>(storage.max);
  constexpr double kRounder = 6755399441055744.0; // 1.5 * 2^52
  int64_t largest = 0;
  size_t size = segmentSize ? segmentSize : std::max<size_t>(weights.size(), 1);
  for (size_t begin = 0; begin < weights.size(); begin += size) {
    int64_t norm = 0;
    for (size_t i = begin, end = std::min(weights.size(), begin + size);
         i < end; ++i) {
      double quotient = weights[i] / scale;
      if (std::isnan(quotient)) {
        integers[i] = 0;
        continue;
      }
      quotient = std::clamp(quotient, low, high);
      double rounded = std::clamp((quotient + kRounder) - kRounder, min, max);
      integers[i] = static_cast<int64_t>(rounded);
      norm += integers[i] < 0 ? -integers[i] : integers[i];
    }
    largest = std::max(largest, norm);
  }
  return largest;
}

/// Whether every value is finite.
static bool allFinite(const std::vector<double> &values) {
  return std::all_of(values.begin(), values.end(),
                     [](double value) { return std::isfinite(value); });
}

double quantizeChannelWithBudget(const std::vector<double> &weights,
                                 unsigned bits, bool narrowRange,
                                 int64_t l1Budget,
                                 std::vector<int64_t> &integers,
                                 size_t segmentSize) {
  // Non-finite weights have no quantization (the passes report them).
  if (!allFinite(weights)) {
    integers.assign(weights.size(), 0);
    return 1.0;
  }
  IntegerRange storage = getStorageRange(bits, /*isSigned=*/true, narrowRange);
  double magnitude = 0, l1 = 0;
  for (auto [begin, end] : getSegments(weights.size(), segmentSize)) {
    double segmentL1 = 0;
    for (size_t i = begin; i < end; ++i) {
      magnitude = std::max(magnitude, std::fabs(weights[i]));
      segmentL1 += std::fabs(weights[i]);
    }
    l1 = std::max(l1, segmentL1);
  }
  if (magnitude == 0) {
    integers.assign(weights.size(), 0);
    return 1.0;
  }
  // The scale covering the largest weight, then coarser until the rounded
  // integers meet the budget (the real-valued l1 bound first, then small
  // steps: rounding can add up to half a step per weight). The steps form a
  // fixed sequence and the rounded norm never grows along it, so the first
  // scale of the sequence that meets the budget is found by doubling, then
  // bisecting, the number of steps: a few roundings instead of one per step.
  double scale = magnitude / static_cast<double>(storage.max);
  if (l1Budget > 0)
    scale = std::max(scale, l1 / static_cast<double>(l1Budget));
  scale = roundScaleToFloat(scale);
  auto meets = [&](double candidate) {
    return roundChannel(weights, candidate, storage, integers, segmentSize) <=
           l1Budget;
  };
  if (l1Budget > 0 && !meets(scale)) {
    // Scales k steps after the first; known[k] once computed.
    std::vector<double> known{scale};
    auto stepsAfter = [&](size_t steps) {
      while (known.size() <= steps)
        known.push_back(roundScaleToFloat(
            std::nextafter(static_cast<float>(known.back() * (1.0 + 1.0 / 64)),
                           std::numeric_limits<float>::infinity())));
      return known[steps];
    };
    // Invariant: `failing` steps miss the budget, `passing` steps meet it.
    size_t failing = 0, passing = 1;
    while (!meets(stepsAfter(passing))) {
      failing = passing;
      passing *= 2;
    }
    while (passing - failing > 1) {
      size_t middle = failing + (passing - failing) / 2;
      (meets(stepsAfter(middle)) ? passing : failing) = middle;
    }
    scale = stepsAfter(passing);
  }
  roundChannel(weights, scale, storage, integers, segmentSize);
  return scale;
}

/// Weighted squared error of `integers` at `scale`.
static double weightedError(const std::vector<double> &weights,
                            const std::vector<double> &importance, double scale,
                            const std::vector<int64_t> &integers) {
  double total = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double e = weights[i] - scale * static_cast<double>(integers[i]);
    total += importance[i] * e * e;
  }
  return total;
}

/// The scale that minimizes the weighted error of fixed `integers`: the
/// weighted least-squares projection sum w q / sum q^2, or `scale` when the
/// integers are all zero. The integers (and so every width) stay; only
/// their dequantized values move closer to the weights.
static double refitScale(const std::vector<double> &weights,
                         const std::vector<double> &importance, double scale,
                         const std::vector<int64_t> &integers) {
  double cross = 0, squares = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double q = static_cast<double>(integers[i]);
    cross += importance[i] * weights[i] * q;
    squares += importance[i] * q * q;
  }
  if (!(squares > 0) || !(cross > 0))
    return scale;
  return roundScaleToFloat(cross / squares);
}

namespace {
/// The units a segment's integers may give up, as a separable convex
/// problem: taking the j-th unit (j = 1, 2, ...) off |q_i| raises the
/// weighted error by first_k + (j - 1) * step_k, with step_k > 0, at most
/// `units_k` times (item k stands for weight index[k]).
struct UnitCosts {
  std::vector<size_t> index;
  std::vector<double> first, step, inverseStep;
  std::vector<int32_t> units;

  size_t size() const { return index.size(); }
  /// Room for `count` items, written by index (no push_back per field).
  void resize(size_t count) {
    index.resize(count);
    first.resize(count);
    step.resize(count);
    inverseStep.resize(count);
    units.resize(count);
  }

  /// The cost of unit j (0-based) of item k: the one the order of units
  /// is defined by.
  double cost(size_t k, int32_t j) const { return first[k] + j * step[k]; }

  /// Units of item k whose cost, as cost() computes it, is at most
  /// `threshold`: countAtMost(k, threshold) corrected where the product by
  /// the inverse step rounds across a unit's cost.
  int32_t countExactlyAtMost(size_t k, double threshold) const {
    int32_t count = countAtMost(k, threshold);
    while (count < units[k] && cost(k, count) <= threshold)
      ++count;
    while (count > 0 && cost(k, count - 1) > threshold)
      --count;
    return count;
  }

  /// Units of item k whose cost is at most `threshold`: floor((threshold -
  /// first) / step) + 1, between 0 and units (units < 2^31).
  int32_t countAtMost(size_t k, double threshold) const {
    double steps = (threshold - first[k]) * inverseStep[k];
    double bounded = steps > -1.0 ? std::min(steps, double(units[k])) : -1.0;
    int32_t count = std::min(static_cast<int32_t>(bounded) + 1, units[k]);
    return bounded >= 0 ? count : 0;
  }

  /// Units of all items whose cost is at most `threshold`, and in `slope`
  /// the sum of 1 / step over the items with units left at it (one pass,
  /// which the compiler vectorizes).
  int64_t countAtMost(double threshold, double &slope) const {
    int64_t total = 0;
    double inverse = 0;
    // Vectorized, the slope summed in lanes: its last bits depend on the
    // order, which only moves the next threshold tried, not the units
    // chosen (the gather counts exactly).
#pragma clang loop vectorize(enable)
    for (size_t k = 0, e = size(); k < e; ++k) {
      int32_t count = countAtMost(k, threshold);
      total += count;
      inverse += count < units[k] ? inverseStep[k] : 0.0;
    }
    slope = inverse;
    return total;
  }

  /// Units of each item whose cost, as cost() computes it, is at most
  /// `threshold`, into `counts`: countAtMost in one vectorized pass that
  /// also checks each count against cost(), then countExactlyAtMost where
  /// some product by an inverse step rounded across a unit (rare).
  void countEachExactlyAtMost(double threshold,
                              std::vector<int32_t> &counts) const {
    counts.resize(size());
    int32_t *out = counts.data();
    int32_t inexact = 0;
#pragma clang loop vectorize(enable)
    for (size_t k = 0, e = size(); k < e; ++k) {
      int32_t count = countAtMost(k, threshold);
      out[k] = count;
      // Both costs computed for every item (no branch): the one past the
      // last unit or before the first is compared, then ignored.
      int32_t tooFew = static_cast<int32_t>(count < units[k]) &
                       static_cast<int32_t>(cost(k, count) <= threshold);
      int32_t tooMany = static_cast<int32_t>(count > 0) &
                        static_cast<int32_t>(cost(k, count - 1) > threshold);
      inexact |= tooFew | tooMany;
    }
    if (inexact)
      for (size_t k = 0, e = size(); k < e; ++k)
        counts[k] = countExactlyAtMost(k, threshold);
  }

  /// Units of all items whose cost is at most `threshold` (one pass, which
  /// the compiler vectorizes).
  int64_t countAtMost(double threshold) const {
    int64_t total = 0;
#pragma clang loop vectorize(enable)
    for (size_t k = 0, e = size(); k < e; ++k)
      total += countAtMost(k, threshold);
    return total;
  }
};

/// The unit j (0-based) of item k, ordered by cost then item: the order in
/// which units go (the cheapest first; equal costs from the lowest item).
using RankedUnit = std::pair<double, size_t>;

/// Like takeCheapestUnits when `excess` is small against the items: the
/// `excess` cheapest units come from the items whose first units are among
/// the `excess` cheapest firsts, so those items are selected in one pass and
/// their units taken in order from a heap.
void takeFewUnits(const UnitCosts &costs, int64_t excess,
                  std::vector<int32_t> &taken) {
  taken.assign(costs.size(), 0);
  std::vector<RankedUnit> candidates(costs.size());
  for (size_t k = 0, e = costs.size(); k < e; ++k)
    candidates[k] = {costs.first[k], k};
  auto count = static_cast<size_t>(excess);
  if (count < candidates.size()) {
    std::nth_element(candidates.begin(), candidates.begin() + count,
                     candidates.end());
    candidates.resize(count);
  }
  std::priority_queue<RankedUnit, std::vector<RankedUnit>,
                      std::greater<RankedUnit>>
      cheapest(std::greater<RankedUnit>(), std::move(candidates));
  for (int64_t u = 0; u < excess && !cheapest.empty(); ++u) {
    size_t k = cheapest.top().second;
    cheapest.pop();
    int32_t next = ++taken[k];
    if (next < costs.units[k])
      cheapest.push({costs.first[k] + next * costs.step[k], k});
  }
}

/// Like takeCheapestUnits when the units kept, `kept`, are few against the
/// items: the kept units are the dearest, which come from the items whose
/// last units are among the `kept` dearest lasts; every unit of the other
/// items goes.
void keepFewUnits(const UnitCosts &costs, int64_t kept,
                  std::vector<int32_t> &taken) {
  taken.assign(costs.units.begin(), costs.units.end());
  std::vector<RankedUnit> candidates(costs.size());
  for (size_t k = 0, e = costs.size(); k < e; ++k)
    candidates[k] = {costs.first[k] + (costs.units[k] - 1) * costs.step[k], k};
  auto count = static_cast<size_t>(kept);
  if (count < candidates.size()) {
    std::nth_element(candidates.begin(), candidates.begin() + count,
                     candidates.end(), std::greater<RankedUnit>());
    candidates.resize(count);
  }
  std::priority_queue<RankedUnit> dearest(std::less<RankedUnit>(),
                                          std::move(candidates));
  for (int64_t u = 0; u < kept && !dearest.empty(); ++u) {
    size_t k = dearest.top().second;
    dearest.pop();
    int32_t next = --taken[k];
    if (next > 0)
      dearest.push({costs.first[k] + (next - 1) * costs.step[k], k});
  }
}

/// How many units each item gives up so that the `excess` cheapest units
/// of `costs` go (fewer than all units): `taken[k]`.
void takeCheapestUnits(const UnitCosts &costs, int64_t excess,
                       std::vector<int32_t> &taken) {
  // A bracket [low, high] of the threshold cost: lowCount < excess <=
  // highCount units cost at most low and high; low starts below every
  // unit (nothing counts there). Newton steps on the count, whose slope is
  // about the sum of 1 / step over the items not used up, from the guess
  // of the continuous relaxation (floor(x) + 1 is x + 1/2 on average);
  // bisection when a step leaves the bracket; until the bracket holds a
  // few units per 16 items.
  double high = -std::numeric_limits<double>::infinity();
  double low = std::numeric_limits<double>::infinity();
  double sumInverse = 0, sumFirstInverse = 0;
  int64_t highCount = 0;
  for (size_t k = 0, e = costs.size(); k < e; ++k) {
    low = std::min(low, costs.first[k]);
    high =
        std::max(high, costs.first[k] + (costs.units[k] - 1) * costs.step[k]);
    sumInverse += costs.inverseStep[k];
    sumFirstInverse += costs.first[k] * costs.inverseStep[k];
    highCount += costs.units[k];
  }
  // Few units to take, or few to keep (a small budget, the usual case):
  // select the items that can hold them, then take units from a heap, in
  // O(items + units log units) instead of a pass per Newton step.
  int64_t kept = highCount - excess;
  if (std::min(excess, kept) <= static_cast<int64_t>(costs.size() / 4)) {
    if (excess <= kept)
      takeFewUnits(costs, excess, taken);
    else
      keepFewUnits(costs, kept, taken);
    return;
  }
  bool lowCounts = false;
  int64_t lowCount = 0;
  double guess = (static_cast<double>(excess) -
                  0.5 * static_cast<double>(costs.size()) + sumFirstInverse) /
                 sumInverse;
  int64_t gatherLimit =
      std::max<int64_t>(32, static_cast<int64_t>(costs.size() / 16));
  while (highCount != excess && highCount - lowCount > gatherLimit) {
    double middle = guess;
    if (!(middle > low && middle < high))
      middle = low + (high - low) * 0.5;
    if (!(middle > low && middle < high)) {
      if (!lowCounts && middle == low) {
        // Every unit up to the cheapest is a tie: count them. If they are
        // enough, the units go from among them (the bracket is that one
        // cost: no threshold can split it, so stop).
        lowCounts = true;
        lowCount = costs.countAtMost(low);
        if (lowCount >= excess) {
          high = low;
          highCount = lowCount;
          lowCounts = false;
          lowCount = 0;
          break;
        }
        continue;
      }
      break; // adjacent doubles: the units between are ties
    }
    double slope = 0;
    int64_t count = costs.countAtMost(middle, slope);
    if (count < excess) {
      low = middle;
      lowCount = count;
      lowCounts = true;
    } else {
      high = middle;
      highCount = count;
    }
    guess = slope > 0 ? middle + static_cast<double>(excess - count) / slope
                      : std::numeric_limits<double>::quiet_NaN();
  }
  // Every unit up to `low`, then the cheapest of those between low and
  // high, listed with their costs, counted exactly by cost(): the units
  // chosen are the `excess` first in (cost, item) order whatever bracket
  // the search ended on. Should the exact counts leave the bracket (a cost
  // within rounding of a bound), the gather starts over from no unit to
  // every unit.
  std::vector<RankedUnit> between;
  std::vector<int32_t> last;
  auto gather = [&](bool fromLow, bool toHigh) {
    if (fromLow)
      costs.countEachExactlyAtMost(low, taken);
    else
      taken.assign(costs.size(), 0);
    if (toHigh)
      costs.countEachExactlyAtMost(high, last);
    else
      last.assign(costs.units.begin(), costs.units.end());
    int64_t takenCount = 0;
    between.clear();
    for (size_t k = 0, e = costs.size(); k < e; ++k) {
      takenCount += taken[k];
      for (int32_t j = taken[k]; j < last[k]; ++j)
        between.push_back({costs.cost(k, j), k});
    }
    return takenCount;
  };
  int64_t takenCount = gather(lowCounts, true);
  if (takenCount > excess ||
      takenCount + static_cast<int64_t>(between.size()) < excess)
    takenCount = gather(false, false);
  auto remaining = static_cast<size_t>(excess - takenCount);
  if (remaining < between.size())
    std::nth_element(between.begin(), between.begin() + remaining,
                     between.end());
  for (size_t u = 0; u < remaining && u < between.size(); ++u)
    ++taken[between[u].second];
}
} // namespace

void roundUnderL1Budget(const std::vector<double> &weights,
                        const std::vector<double> &importance, double scale,
                        IntegerRange storage, int64_t l1Budget,
                        std::vector<int64_t> &integers, size_t segmentSize) {
  roundChannel(weights, scale, storage, integers, segmentSize);
  if (l1Budget <= 0)
    return;
  // With q_i rounded to nearest and r_i = |w_i| - scale |q_i|, the j-th
  // unit taken off |q_i| costs importance_i * ((r_i + j scale)^2 -
  // (r_i + (j - 1) scale)^2) = importance_i * scale * (2 r_i + scale) +
  // (j - 1) * 2 importance_i scale^2: nondecreasing in j. Taking the
  // `excess` cheapest units over all weights is therefore optimal (what
  // taking them one at a time from a heap computes). Units of weights whose
  // inputs never vary (importance 0) cost nothing and go first; the others'
  // cost threshold is bracketed by counting the units under a threshold in
  // passes over the weights, then the units inside the bracket are sorted.
  UnitCosts costs;
  std::vector<int32_t> taken;
  auto takeUnits = [&](size_t i, int64_t units) {
    integers[i] += integers[i] > 0 ? -units : units;
  };
  for (auto [begin, end] : getSegments(weights.size(), segmentSize)) {
    int64_t norm = 0;
    for (size_t i = begin; i < end; ++i)
      norm += integers[i] < 0 ? -integers[i] : integers[i];
    int64_t excess = norm - l1Budget;
    if (excess <= 0)
      continue;
    costs.resize(end - begin);
    size_t items = 0;
    for (size_t i = begin; i < end; ++i) {
      int64_t magnitude = integers[i] < 0 ? -integers[i] : integers[i];
      if (magnitude == 0)
        continue;
      if (!(importance[i] > 0)) {
        int64_t units = std::min(magnitude, std::max<int64_t>(excess, 0));
        takeUnits(i, units);
        excess -= units;
        continue;
      }
      double remainder = std::fabs(weights[i]) - scale * magnitude;
      double step = 2.0 * importance[i] * scale * scale;
      costs.index[items] = i;
      costs.first[items] = importance[i] * scale * (2.0 * remainder + scale);
      costs.step[items] = step;
      costs.inverseStep[items] = 1.0 / step;
      costs.units[items] = static_cast<int32_t>(magnitude);
      ++items;
    }
    costs.resize(items);
    if (excess <= 0)
      continue;
    takeCheapestUnits(costs, excess, taken);
    for (size_t k = 0, e = costs.size(); k < e; ++k)
      takeUnits(costs.index[k], taken[k]);
  }
}

std::vector<double> getBudgetScaleGrid(const std::vector<double> &weights,
                                       unsigned bits, bool narrowRange,
                                       double coarsest) {
  double magnitude = 0;
  for (double w : weights)
    magnitude = std::max(magnitude, std::fabs(w));
  if (!(magnitude > 0))
    return {};
  IntegerRange storage = getStorageRange(bits, /*isSigned=*/true, narrowRange);
  double finest =
      roundScaleToFloat(magnitude / static_cast<double>(storage.max));
  constexpr int kScales = 8;
  std::vector<double> grid;
  for (int step = 0; step < kScales; ++step)
    grid.push_back(roundScaleToFloat(
        finest *
        std::pow(coarsest / finest, static_cast<double>(step) / kScales)));
  return grid;
}

double quantizeChannelWeighted(const std::vector<double> &weights,
                               const std::vector<double> &importance,
                               unsigned bits, bool narrowRange,
                               int64_t l1Budget, std::vector<int64_t> &integers,
                               double *error, size_t segmentSize) {
  if (!allFinite(weights) || !allFinite(importance)) {
    integers.assign(weights.size(), 0);
    if (error)
      *error = std::numeric_limits<double>::infinity();
    return 1.0;
  }
  IntegerRange storage = getStorageRange(bits, /*isSigned=*/true, narrowRange);
  std::vector<int64_t> plain;
  double coarsest = quantizeChannelWithBudget(weights, bits, narrowRange,
                                              l1Budget, plain, segmentSize);
  double magnitude = 0;
  for (double w : weights)
    magnitude = std::max(magnitude, std::fabs(w));
  if (magnitude == 0 || l1Budget <= 0) {
    integers = plain;
    if (error)
      *error = weightedError(weights, importance, coarsest, integers);
    return coarsest;
  }
  // Each grid scale chooses integers; their error counts at the scale
  // refitted to them (never worse than the grid scale's). The coarsest
  // needs no reduction, so the best one is at least as good as plain A2Q.
  double bestScale = refitScale(weights, importance, coarsest, plain);
  double bestError = weightedError(weights, importance, bestScale, plain);
  integers = plain;
  std::vector<int64_t> candidate;
  for (double grid : getBudgetScaleGrid(weights, bits, narrowRange, coarsest)) {
    roundUnderL1Budget(weights, importance, grid, storage, l1Budget, candidate,
                       segmentSize);
    double scale = refitScale(weights, importance, grid, candidate);
    double candidateError =
        weightedError(weights, importance, scale, candidate);
    if (candidateError < bestError) {
      bestError = candidateError;
      bestScale = scale;
      integers = candidate;
    }
  }
  if (error)
    *error = bestError;
  return bestScale;
}

} // namespace qfhe
} // namespace mlir
