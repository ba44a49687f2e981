//===- Rescale.cpp - the roundings of a requantization --------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Rescale.h"

#include <algorithm>
#include <cmath>

using namespace mlir::qfhe;

int64_t
mlir::qfhe::applyFixedPointMultiplierDoubleRound(int64_t x,
                                                 FixedPointMultiplier f) {
  __extension__ typedef __int128 Int128;
  Int128 product = static_cast<Int128>(x) * f.multiplier;
  if (f.shift == 0)
    return static_cast<int64_t>(product);
  Int128 round = static_cast<Int128>(1) << (f.shift - 1);
  if (f.shift > 31)
    round += x >= 0 ? (Int128(1) << 30) : -(Int128(1) << 30);
  return static_cast<int64_t>((product + round) >> f.shift);
}

float mlir::qfhe::getFloatMultiplier(double scaleFrom, double scaleTo) {
  return static_cast<float>(scaleFrom) / static_cast<float>(scaleTo);
}

Rescaler::Rescaler(double scaleFrom, double scaleTo, int64_t zeroPoint,
                   IntegerRange storage, RescaleRounding rounding)
    : rounding(rounding), zeroPoint(zeroPoint), storage(storage) {
  if (rounding == RescaleRounding::FloatHalfEven)
    floatMultiplier = getFloatMultiplier(scaleFrom, scaleTo);
  else
    fixedPoint = computeFixedPointMultiplier(scaleFrom / scaleTo);
}

std::optional<int64_t> Rescaler::operator()(int64_t x) const {
  if (rounding == RescaleRounding::FloatHalfEven) {
    double value = std::nearbyint(static_cast<double>(x) * floatMultiplier +
                                  static_cast<double>(zeroPoint));
    if (std::isnan(value))
      return std::nullopt;
    value = std::clamp(value, static_cast<double>(storage.min),
                       static_cast<double>(storage.max));
    return static_cast<int64_t>(value);
  }
  if (!fixedPoint)
    return std::nullopt;
  int64_t scaled = rounding == RescaleRounding::FixedPoint
                       ? applyFixedPointMultiplier(x, *fixedPoint)
                       : applyFixedPointMultiplierDoubleRound(x, *fixedPoint);
  // Saturate before adding the zero point: the product may be far outside
  // the storage.
  int64_t low = storage.min - zeroPoint, high = storage.max - zeroPoint;
  return std::clamp(scaled, low, high) + zeroPoint;
}

std::optional<int64_t> mlir::qfhe::rescale(int64_t x, double scaleFrom,
                                           double scaleTo, int64_t zeroPoint,
                                           IntegerRange storage,
                                           RescaleRounding rounding) {
  return Rescaler(scaleFrom, scaleTo, zeroPoint, storage, rounding)(x);
}
