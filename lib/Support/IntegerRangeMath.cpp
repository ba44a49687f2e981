//===- IntegerRangeMath.cpp - exact interval arithmetic on integers -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/IntegerRangeMath.h"

#include <algorithm>
#include <cassert>

namespace mlir {
namespace qfhe {

namespace {

/// Division rounding toward negative infinity (`divisor` > 0).
WideInt floorDivide(WideInt value, WideInt divisor) {
  WideInt quotient = value / divisor;
  if (value % divisor != 0 && value < 0)
    --quotient;
  return quotient;
}

WideInt powerOfTwo(unsigned bits) { return static_cast<WideInt>(1) << bits; }

} // namespace

WideRange WideRange::join(const WideRange &other) const {
  return {std::min(min, other.min), std::max(max, other.max)};
}

bool WideRange::isBounded() const {
  return detail::magnitude(min) < kWideLimit &&
         detail::magnitude(max) < kWideLimit;
}

std::optional<IntegerRange> toIntegerRange(WideRange range) {
  if (range.min < INT64_MIN || range.max > INT64_MAX)
    return std::nullopt;
  return IntegerRange{static_cast<int64_t>(range.min),
                      static_cast<int64_t>(range.max)};
}

std::optional<IntegerRange> getTypeRange(unsigned width, bool isUnsigned) {
  if (width == 0 || width > 64 || (isUnsigned && width == 64))
    return std::nullopt;
  if (isUnsigned)
    return IntegerRange{0, static_cast<int64_t>(powerOfTwo(width) - 1)};
  return IntegerRange{static_cast<int64_t>(-powerOfTwo(width - 1)),
                      static_cast<int64_t>(powerOfTwo(width - 1) - 1)};
}

unsigned getBitsNeeded(IntegerRange range, bool isUnsigned) {
  if (isUnsigned && range.min >= 0)
    return getUnsignedBitWidth(range);
  return getSignedBitWidth(range);
}

WideRange toUnsignedReading(WideRange range, unsigned width) {
  assert(width >= 1 && width <= 64 && "width out of range");
  WideInt modulus = powerOfTwo(width);
  if (range.min >= 0)
    return range;
  if (range.max < 0)
    return {range.min + modulus, range.max + modulus};
  return {0, modulus - 1};
}

WideRange toSignedReading(WideRange range, unsigned width) {
  assert(width >= 1 && width <= 64 && "width out of range");
  WideInt modulus = powerOfTwo(width), half = powerOfTwo(width - 1);
  if (range.max < half)
    return range;
  if (range.min >= half)
    return {range.min - modulus, range.max - modulus};
  return {-half, half - 1};
}

WideRange getRoundedRange(WideRange range, unsigned k) {
  if (k == 0)
    return range;
  assert(k < 120 && "rounding shift out of range");
  auto round = [&](WideInt x) {
    return floorDivide(x + powerOfTwo(k - 1), powerOfTwo(k));
  };
  return {round(range.min), round(range.max)};
}

ModularPlacement placeInType(WideRange exact, unsigned width, bool isUnsigned) {
  assert(width >= 1 && width <= 64 && "width out of range");
  assert(exact.isBounded() && "unbounded range");
  WideInt modulus = powerOfTwo(width);
  WideInt typeMin = isUnsigned ? 0 : -powerOfTwo(width - 1);
  WideInt typeMax = typeMin + modulus - 1;
  // The window [typeMin + k 2^N, typeMax + k 2^N] holding [lo, hi] is the
  // one whose middle is nearest to the range's: lo + hi - 2 typeMin lies in
  // [2k 2^N, 2k 2^N + 2^(N+1) - 2] exactly when the range fits window k.
  WideInt k = floorDivide(exact.min + exact.max - 2 * typeMin, 2 * modulus);
  ModularPlacement placement;
  placement.offset = k * modulus;
  placement.held = {exact.min - placement.offset, exact.max - placement.offset};
  placement.fits =
      placement.held.min >= typeMin && placement.held.max <= typeMax;
  return placement;
}

std::string formatWide(WideInt value) {
  if (value == 0)
    return "0";
  bool negative = value < 0;
  // Digits of the magnitude, computed on the negative side so that the most
  // negative value does not overflow.
  std::string digits;
  WideInt rest = negative ? value : -value;
  while (rest != 0) {
    digits.push_back(static_cast<char>('0' - rest % 10));
    rest /= 10;
  }
  if (negative)
    digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

std::string formatRange(IntegerRange range) {
  return "[" + std::to_string(range.min) + ", " + std::to_string(range.max) +
         "]";
}

std::string formatRange(WideRange range) {
  return "[" + formatWide(range.min) + ", " + formatWide(range.max) + "]";
}

} // namespace qfhe
} // namespace mlir
