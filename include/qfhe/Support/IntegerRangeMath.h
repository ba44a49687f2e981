//===- IntegerRangeMath.h - exact interval arithmetic on integers -*- C++ -*-=//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic the bit-width verifier proves with: 128-bit intervals (so
// that bounding a sum never overflows itself), the ranges integer types hold
// under their signed or unsigned reading, and the placement of an exact
// range into an N-bit type by a multiple of 2^N, which is what modular
// arithmetic does to a sum whose true value fits. Free of MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_INTEGERRANGEMATH_H
#define QFHE_SUPPORT_INTEGERRANGEMATH_H

#include "qfhe/Support/QuantMath.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

/// A 128-bit integer: bounds of sums of 64-bit products stay exact.
__extension__ typedef __int128 WideInt;

/// The largest magnitude a WideRange may reach before arithmetic on it
/// saturates (2^125): far beyond any integer type, and the sum of two such
/// bounds still fits 128 bits.
constexpr WideInt kWideLimit = static_cast<WideInt>(1) << 125;

/// A closed interval of 128-bit integers.
struct WideRange {
  WideInt min = 0;
  WideInt max = 0;

  static WideRange of(IntegerRange range) { return {range.min, range.max}; }
  static WideRange point(WideInt value) { return {value, value}; }
  bool operator==(const WideRange &other) const {
    return min == other.min && max == other.max;
  }
  /// The smallest interval holding both.
  WideRange join(const WideRange &other) const;
  /// Whether both bounds have a magnitude below kWideLimit.
  bool isBounded() const;
};

namespace detail {
inline WideInt saturate(WideInt value) {
  return std::clamp(value, -kWideLimit, kWideLimit);
}

inline WideInt magnitude(WideInt value) { return value < 0 ? -value : value; }

/// `a * b`, saturated at +-kWideLimit (operands within the limit).
inline WideInt saturatingMultiply(WideInt a, WideInt b) {
  if (a == 0 || b == 0)
    return 0;
  // Factors below 2^62 multiply below 2^124, within the limit: no division
  // (the verifier multiplies every weight of a layer by its input's range).
  constexpr WideInt kSafeFactor = static_cast<WideInt>(1) << 62;
  if (magnitude(a) < kSafeFactor && magnitude(b) < kSafeFactor)
    return a * b;
  bool negative = (a < 0) != (b < 0);
  if (magnitude(a) > kWideLimit / magnitude(b))
    return negative ? -kWideLimit : kWideLimit;
  return a * b;
}
} // namespace detail

// add and multiply are inline: the verifier calls them for every weight of
// every layer, and out of line their 32-byte operands go through memory.

/// `a + b`, exact while bounded (bounds saturate at +-kWideLimit).
inline WideRange add(WideRange a, WideRange b) {
  using detail::saturate;
  return {saturate(saturate(a.min) + saturate(b.min)),
          saturate(saturate(a.max) + saturate(b.max))};
}

/// The hull of `{x * y : x in a, y in b}`, exact while bounded (bounds
/// saturate at +-kWideLimit).
inline WideRange multiply(WideRange a, WideRange b) {
  using detail::saturate;
  using detail::saturatingMultiply;
  // A point times a range (a weight times its input's range, what the
  // verifier computes for every weight): two of the four corners are equal.
  if (a.min == a.max || b.min == b.max) {
    WideInt factor = saturate(a.min == a.max ? a.min : b.min);
    WideRange other = a.min == a.max ? b : a;
    WideInt low = saturatingMultiply(factor, saturate(other.min));
    WideInt high = saturatingMultiply(factor, saturate(other.max));
    return {std::min(low, high), std::max(low, high)};
  }
  WideInt corners[] = {saturatingMultiply(saturate(a.min), saturate(b.min)),
                       saturatingMultiply(saturate(a.min), saturate(b.max)),
                       saturatingMultiply(saturate(a.max), saturate(b.min)),
                       saturatingMultiply(saturate(a.max), saturate(b.max))};
  return {*std::min_element(std::begin(corners), std::end(corners)),
          *std::max_element(std::begin(corners), std::end(corners))};
}
/// The interval as 64-bit bounds, or std::nullopt when it does not fit.
std::optional<IntegerRange> toIntegerRange(WideRange range);

/// The integers an `width`-bit type holds: two's complement when signed,
/// `[0, 2^width - 1]` when unsigned. std::nullopt when they do not fit 64-bit
/// bounds (unsigned 64 bits, or more than 64 bits).
std::optional<IntegerRange> getTypeRange(unsigned width, bool isUnsigned);

/// Fewest bits that hold every value of `range` in the given reading (at
/// least 1; a negative value needs a signed reading).
unsigned getBitsNeeded(IntegerRange range, bool isUnsigned);

/// The values `range` (read as signed `width`-bit integers, `width` <= 64)
/// take when their bits are read as unsigned: what `arith.extui` sees.
WideRange toUnsignedReading(WideRange range, unsigned width);
/// The values `range` (read as unsigned `width`-bit integers, `width` <= 64)
/// take when their bits are read as signed (two's complement).
WideRange toSignedReading(WideRange range, unsigned width);

/// The range of `floor((x + 2^(k-1)) / 2^k)` over `x` in `range` (qfhe.round
/// drops `k` bits, rounding to nearest with ties up; `k == 0` is the
/// identity). The function is monotone, so the bounds map to the bounds.
WideRange getRoundedRange(WideRange range, unsigned k);

/// Where modular arithmetic puts an exact range in an N-bit type.
struct ModularPlacement {
  /// The multiple of 2^N subtracted: held value = exact value - offset.
  WideInt offset = 0;
  /// The exact range minus `offset`.
  WideRange held;
  /// Whether `held` lies inside the type: then every value of the exact
  /// range has exactly one representative in the type, and it is the exact
  /// value minus `offset`. Otherwise the range straddles a boundary between
  /// two windows of 2^N values (or spans more than 2^N), the program's value
  /// wraps by an amount that depends on the data, and nothing is proven.
  bool fits = false;
};

/// Places `exact` into a `width`-bit type (`width` <= 64, signed or
/// unsigned reading): `offset` is the multiple of 2^width that brings the
/// middle of the range nearest to the middle of the type, the only one that
/// can make it fit. Arithmetic on `iN` is modulo 2^N, so a sum whose exact
/// range is placed with `fits` computes exactly `exact - offset`.
ModularPlacement placeInType(WideRange exact, unsigned width, bool isUnsigned);

/// `[min, max]` as text.
std::string formatRange(IntegerRange range);
/// A 128-bit integer as decimal text.
std::string formatWide(WideInt value);
/// `[min, max]` of 128-bit bounds as text.
std::string formatRange(WideRange range);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_INTEGERRANGEMATH_H
