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
#include <limits>

namespace mlir {
namespace qfhe {

IntegerRange getStorageRange(unsigned bits, bool isSigned, bool narrowRange) {
  assert(bits >= 1 && bits <= 63 && "storage width out of range");
  IntegerRange range;
  if (isSigned) {
    range.min = -(int64_t(1) << (bits - 1));
    range.max = (int64_t(1) << (bits - 1)) - 1;
  } else {
    range.min = 0;
    range.max = (int64_t(1) << bits) - 1;
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
  int64_t largest = 0;
  for (auto [begin, end] : getSegments(weights.size(), segmentSize)) {
    int64_t norm = 0;
    for (size_t i = begin; i < end; ++i) {
      integers[i] = quantizeValue(weights[i], scale, 0, storage);
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
  // steps: rounding can add up to half a step per weight).
  double scale = magnitude / static_cast<double>(storage.max);
  if (l1Budget > 0)
    scale = std::max(scale, l1 / static_cast<double>(l1Budget));
  scale = roundScaleToFloat(scale);
  while (l1Budget > 0 && roundChannel(weights, scale, storage, integers,
                                      segmentSize) > l1Budget)
    scale = roundScaleToFloat(
        std::nextafter(static_cast<float>(scale * (1.0 + 1.0 / 64)),
                       std::numeric_limits<float>::infinity()));
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

/// Rounds to nearest at `scale`, then removes units of magnitude where the
/// weighted error grows the least until sum |q| <= budget in every segment.
static void roundUnderBudget(const std::vector<double> &weights,
                             const std::vector<double> &importance,
                             double scale, IntegerRange storage, int64_t budget,
                             std::vector<int64_t> &integers,
                             size_t segmentSize) {
  roundChannel(weights, scale, storage, integers, segmentSize);
  if (budget <= 0)
    return;
  // Cost of taking one unit off |q_i|.
  auto cost = [&](size_t i) {
    double magnitude = std::fabs(weights[i]);
    double q =
        static_cast<double>(integers[i] < 0 ? -integers[i] : integers[i]);
    double before = magnitude - scale * q, after = magnitude - scale * (q - 1);
    return importance[i] * (after * after - before * before);
  };
  using Entry = std::pair<double, size_t>;
  auto greater = [](const Entry &a, const Entry &b) {
    return a.first > b.first;
  };
  for (auto [begin, end] : getSegments(weights.size(), segmentSize)) {
    int64_t norm = 0;
    std::vector<Entry> heap;
    for (size_t i = begin; i < end; ++i) {
      norm += integers[i] < 0 ? -integers[i] : integers[i];
      if (integers[i] != 0)
        heap.push_back({cost(i), i});
    }
    std::make_heap(heap.begin(), heap.end(), greater);
    while (norm > budget && !heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      size_t i = heap.back().second;
      heap.pop_back();
      integers[i] += integers[i] > 0 ? -1 : 1;
      --norm;
      if (integers[i] != 0) {
        heap.push_back({cost(i), i});
        std::push_heap(heap.begin(), heap.end(), greater);
      }
    }
  }
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
  double finest =
      roundScaleToFloat(magnitude / static_cast<double>(storage.max));
  // Scales from the finest to the coarsest, geometrically; the coarsest
  // needs no reduction, so the best one is at least as good as plain A2Q.
  constexpr int kScales = 8;
  // Each grid scale chooses integers; their error counts at the scale
  // refitted to them (never worse than the grid scale's).
  double bestScale = refitScale(weights, importance, coarsest, plain);
  double bestError = weightedError(weights, importance, bestScale, plain);
  integers = plain;
  std::vector<int64_t> candidate;
  for (int step = 0; step < kScales; ++step) {
    double grid = roundScaleToFloat(
        finest *
        std::pow(coarsest / finest, static_cast<double>(step) / kScales));
    roundUnderBudget(weights, importance, grid, storage, l1Budget, candidate,
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
