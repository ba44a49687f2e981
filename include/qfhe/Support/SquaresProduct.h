//===- SquaresProduct.h - x * y with two lookups ---------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// TFHE multiplies two encrypted integers with two table lookups: for
// integers x and y, s = x + y and d = x - y have the same parity, so
// floor(s^2 / 4) - floor(d^2 / 4) = x * y exactly. Under a bit-width cap the
// quarter squares may be too wide; both tables then scale them by the same
// factor c < 1 (rounding to nearest), and their difference is c * x * y
// within one unit. These helpers choose c, the largest whose tables and
// difference fit, and the constants that center them in the fewest bits.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_SQUARESPRODUCT_H
#define QFHE_SUPPORT_SQUARESPRODUCT_H

#include "qfhe/Support/QuantMath.h"

#include <optional>

namespace mlir {
namespace qfhe {

/// floor(s^2 / 4) times `scale` (in (0, 1]), rounded to nearest (ties up):
/// the entry of a squares table at s. Exact integer arithmetic when `scale`
/// is 1; nondecreasing in |s| for every scale.
int64_t quarterSquare(int64_t s, double scale);

/// How a product x * y is computed from s = x + y in `sum` and d = x - y in
/// `difference` (both ranges of exact integers):
///   sumTable(s)  = quarterSquare(s, scale) - sumShift
///   diffTable(d) = quarterSquare(d, scale) - differenceShift
///   p = sumTable(s) - diffTable(d) = scale * x * y - (sumShift -
///   differenceShift), exactly when scale is 1, within one unit otherwise.
struct SquaresProductPlan {
  /// 1, or the factor in (0, 1) the quarter squares are scaled by.
  double scale;
  int64_t sumShift;
  int64_t differenceShift;
  /// The ranges of the two tables' entries over their inputs, and of p as
  /// interval arithmetic bounds it (sumTable's range less diffTable's).
  IntegerRange sumTable;
  IntegerRange differenceTable;
  IntegerRange product;
};

/// The exact plan (scale 1) if its tables and difference all fit `width`
/// signed bits, else the plan with the largest scale found for which they
/// do (at least the largest power of two 2^-k that fits: the product keeps
/// as many levels as the width allows); std::nullopt when none does (an
/// empty range, or a width below 2).
std::optional<SquaresProductPlan>
planSquaresProduct(IntegerRange sum, IntegerRange difference, unsigned width);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_SQUARESPRODUCT_H
