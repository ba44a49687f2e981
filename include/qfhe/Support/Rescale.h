//===- Rescale.h - the roundings of a requantization ------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The integer functions qfhe.requantize computes, one per rounding mode:
// the fixed-point multiplication of gemmlowp/TFLite/TOSA (rounded half up,
// or with TOSA's double rounding) and the float multiplication of the ONNX
// reference (QLinearMatMul, QLinearConv). Every lowering of the op (the
// integer tables, the reference lowering to linalg) agrees with these.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_RESCALE_H
#define QFHE_SUPPORT_RESCALE_H

#include "qfhe/Support/QuantMath.h"

#include <cstdint>

namespace mlir {
namespace qfhe {

/// The roundings of a requantization (qfhe.requantize's `rounding`).
enum class RescaleRounding {
  /// floor((x * M + 2^(s-1)) / 2^s): TOSA SINGLE_ROUND.
  FixedPoint,
  /// TOSA DOUBLE_ROUND: the rounding term moves by 2^30 toward x's sign
  /// when s > 31.
  FixedPointDouble,
  /// round_half_to_even(double(x) * double(m) + zeroPoint) with a float32
  /// multiplier m: the ONNX reference.
  FloatHalfEven,
};

/// TOSA's `apply_scale` with DOUBLE_ROUND: `(x * M + r) >> s` where `r =
/// 2^(s-1)`, plus `2^30` when `s > 31` and `x >= 0`, minus `2^30` when `s >
/// 31` and `x < 0`; computed exactly (the arithmetic shift floors).
int64_t applyFixedPointMultiplierDoubleRound(int64_t x, FixedPointMultiplier f);

/// The float32 multiplier of the ONNX reference requantization:
/// `f32(f32(scaleFrom) / f32(scaleTo))`.
float getFloatMultiplier(double scaleFrom, double scaleTo);

/// rescale with its scales, zero point, storage and rounding fixed: the
/// multiplier (fixed-point or float) is computed once, for tables that
/// rescale every value of a row.
class Rescaler {
public:
  Rescaler(double scaleFrom, double scaleTo, int64_t zeroPoint,
           IntegerRange storage, RescaleRounding rounding);

  /// rescale(x, ...) with the constructor's parameters: std::nullopt when
  /// the ratio has no fixed-point form (fixed-point modes) or the float
  /// product is NaN.
  std::optional<int64_t> operator()(int64_t x) const;

private:
  RescaleRounding rounding;
  int64_t zeroPoint;
  IntegerRange storage;
  /// The float multiplier (FloatHalfEven).
  double floatMultiplier = 0;
  /// The fixed-point multiplier, if the ratio has one (other modes).
  std::optional<FixedPointMultiplier> fixedPoint;
};

/// Rescales a centered integer `x` (q - zp_from) from `scaleFrom` to
/// `scaleTo`, adds `zeroPoint` and clamps to `storage`, with `rounding`.
/// The fixed-point modes require a ratio with a fixed-point form
/// (computeFixedPointMultiplier); returns std::nullopt otherwise.
std::optional<int64_t> rescale(int64_t x, double scaleFrom, double scaleTo,
                               int64_t zeroPoint, IntegerRange storage,
                               RescaleRounding rounding);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_RESCALE_H
