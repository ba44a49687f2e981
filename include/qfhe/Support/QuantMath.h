//===- QuantMath.h - numeric helpers of quantization ------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic every part of qfhe agrees on: integer storage ranges, the
// choice of scale and zero point for a real range, quantization and
// dequantization of single values, fixed-point multipliers, rounding shifts
// and bit widths. Free of MLIR so that it can be unit tested and reused.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_QUANTMATH_H
#define QFHE_SUPPORT_QUANTMATH_H

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mlir {
namespace qfhe {

/// A closed interval of integers `[min, max]`.
struct IntegerRange {
  int64_t min;
  int64_t max;

  /// Number of integers in the interval.
  uint64_t size() const { return static_cast<uint64_t>(max - min) + 1; }
  /// Whether `value` lies in the interval.
  bool contains(int64_t value) const { return min <= value && value <= max; }
  bool operator==(const IntegerRange &other) const {
    return min == other.min && max == other.max;
  }
  /// The smallest interval holding both.
  IntegerRange join(const IntegerRange &other) const {
    return {min < other.min ? min : other.min,
            max > other.max ? max : other.max};
  }
};

/// Integers an integer storage of `bits` bits may hold: `[-2^(bits-1),
/// 2^(bits-1) - 1]` when signed, `[0, 2^bits - 1]` when unsigned; with
/// `narrowRange` the lowest value is excluded. `bits` is in [1, 63], or 64
/// when signed.
IntegerRange getStorageRange(unsigned bits, bool isSigned,
                             bool narrowRange = false);

/// Scale and zero point of one channel: `real = scale * (q - zeroPoint)`.
struct AffineParams {
  double scale;
  int64_t zeroPoint;
};

/// How a real range is mapped onto the integer storage.
enum class QuantScheme {
  /// Both ends of the range (extended to contain 0) map to the ends of the
  /// storage; the zero point is whatever integer real 0 lands on.
  Asymmetric,
  /// The zero point is fixed (0 for signed storage, the middle integer for
  /// unsigned storage) and the scale covers the largest magnitude.
  Symmetric,
};

/// Chooses the scale and zero point that map the real range [lo, hi] onto
/// `storage`. The range is first extended to contain 0 so that real 0 is
/// exactly representable (padding, relu). Scales are rounded to the nearest
/// float32 value so that float32 programs and compile-time tables agree.
/// A degenerate range (all zeros) gets scale 1. Returns std::nullopt when lo
/// or hi is not finite, when lo > hi, or when the storage has one value.
std::optional<AffineParams> computeAffineParams(double lo, double hi,
                                                IntegerRange storage,
                                                QuantScheme scheme);

/// Quantizes one real value: `clamp(round_half_to_even(x / scale) + zp,
/// storage)`. NaN maps to the zero point; infinities saturate.
int64_t quantizeValue(double x, double scale, int64_t zeroPoint,
                      IntegerRange storage);

/// Dequantizes one integer: `(q - zeroPoint) * scale`.
double dequantizeValue(int64_t q, double scale, int64_t zeroPoint);

/// A real multiplier in fixed-point form: `multiplier * 2^-shift`.
struct FixedPointMultiplier {
  /// In [2^30, 2^31) unless the real multiplier is below 2^-32, where
  /// precision runs out and the multiplier shrinks (down to 0).
  int64_t multiplier;
  /// In [0, 62].
  unsigned shift;
};

/// Converts a real multiplier `m` (finite, > 0, < 2^31) into fixed-point
/// form with a 31-bit mantissa: the relative error is at most 2^-31 while `m
/// >= 2^-31`. Returns std::nullopt for other `m`.
std::optional<FixedPointMultiplier> computeFixedPointMultiplier(double m);

/// Multiplies `x` by a fixed-point multiplier and rounds half up:
/// `floor((x * multiplier + 2^(shift-1)) / 2^shift)`, computed exactly.
int64_t applyFixedPointMultiplier(int64_t x, FixedPointMultiplier f);

/// Divides by `2^k` rounding to nearest, ties toward +infinity:
/// `floor((x + 2^(k-1)) / 2^k)`; `k == 0` returns x. `k` is in [0, 62].
int64_t roundingShiftRight(int64_t x, unsigned k);

/// Fewest bits of a two's complement integer that holds every value of
/// `range` (at least 1).
unsigned getSignedBitWidth(IntegerRange range);

/// Fewest bits of an unsigned integer that holds every value of `range`
/// (at least 1); `range.min` must be >= 0.
unsigned getUnsignedBitWidth(IntegerRange range);

/// The parts a chunked dot product of `terms` terms splits into (see
/// qfhe.matmul's `chunks`): runs of ceil(terms / chunks) consecutive terms,
/// the last possibly shorter, as [begin, end) pairs.
std::vector<std::pair<int64_t, int64_t>> getChunkParts(int64_t terms,
                                                       int64_t chunks);

/// The bits each part of a dot product in `chunks` parts (a power of two)
/// drops before the parts are added: log2(chunks).
unsigned getChunkDropBits(int64_t chunks);

/// Quantizes one channel of weights symmetrically to `bits` bits
/// (`narrowRange`: [-(2^(bits-1)-1), 2^(bits-1)-1]) with the finest scale
/// for which the integers' l1 norm, sum |q_i|, is at most `l1Budget` (no
/// budget when 0): accumulator-aware quantization (A2Q). Writes the integers
/// to `integers` and returns the scale, a float32 value; all-zero weights
/// get scale 1. With `segmentSize` > 0 the budget bounds each run of
/// `segmentSize` consecutive weights (the last may be shorter) instead of
/// the whole channel: the chunks of a dot product split into parts whose
/// accumulators must each fit. Weights must be finite: a NaN or infinite
/// weight gives all-zero integers and scale 1.
double quantizeChannelWithBudget(const std::vector<double> &weights,
                                 unsigned bits, bool narrowRange,
                                 int64_t l1Budget,
                                 std::vector<int64_t> &integers,
                                 size_t segmentSize = 0);

/// Rounds `weights` to nearest integers at `scale` (symmetric, clamped to
/// `storage`), then takes units of magnitude off the integers until sum |q_i|
/// <= `l1Budget` in every run of `segmentSize` weights (the whole channel
/// when 0; no budget when `l1Budget` is 0), choosing the units whose removal
/// adds the least weighted error sum_i importance_i * (w_i - scale * q_i)^2:
/// the optimum over integers between 0 and the nearest ones. The integers
/// are those of taking units one at a time: weights of importance 0 first
/// (from the lowest index), then the cheapest unit, equal costs from the
/// lowest index; computed in a few passes over the weights (a threshold on
/// the cost of a unit), not unit by unit.
void roundUnderL1Budget(const std::vector<double> &weights,
                        const std::vector<double> &importance, double scale,
                        IntegerRange storage, int64_t l1Budget,
                        std::vector<int64_t> &integers, size_t segmentSize = 0);

/// The scales quantizeChannelWeighted tries besides `coarsest` (the scale
/// meeting the budget by plain rounding): 8, float32, geometrically from the
/// finest (the largest weight at the storage's end) toward `coarsest`;
/// none for all-zero weights.
std::vector<double> getBudgetScaleGrid(const std::vector<double> &weights,
                                       unsigned bits, bool narrowRange,
                                       double coarsest);

/// Like quantizeChannelWithBudget, but chooses the integers that minimize
/// the error the layer's output sees, sum_i importance_i * (w_i - s*q_i)^2
/// (importance_i: the mean square of the input weight i multiplies), under
/// the l1 budget: among a few scales between the finest one and the one that
/// meets the budget by plain rounding, it rounds to nearest, then takes
/// units off the integers whose reduction costs the least weighted error
/// until the budget holds (weights of inputs that never vary go first), and
/// keeps the scale with the least total error. Returns the scale (a float32
/// value) and the error through `error` when given. `segmentSize` as for
/// quantizeChannelWithBudget. Weights and importances must be finite: a NaN
/// or infinite one gives all-zero integers, scale 1 and an infinite error.
double quantizeChannelWeighted(const std::vector<double> &weights,
                               const std::vector<double> &importance,
                               unsigned bits, bool narrowRange,
                               int64_t l1Budget, std::vector<int64_t> &integers,
                               double *error = nullptr, size_t segmentSize = 0);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_QUANTMATH_H
