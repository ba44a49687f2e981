//===- SquaresProduct.h - x * y with two lookups ---------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// TFHE multiplies two encrypted integers with two table lookups: for
// integers x and y, s = x + y and d = x - y have the same parity, so
// floor(s^2 / 4) - floor(d^2 / 4) = x * y exactly. Under a bit-width cap the
// quarter squares may be too wide; each table then drops the same k low bits
// (round to nearest), and their difference is x * y / 2^k within one unit.
// These helpers choose k and the constants that center the tables and the
// difference in the fewest bits.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_SQUARESPRODUCT_H
#define QFHE_SUPPORT_SQUARESPRODUCT_H

#include "qfhe/Support/QuantMath.h"

#include <optional>

namespace mlir {
namespace qfhe {

/// floor(s^2 / 4) with its `drop` low bits rounded away (round to nearest,
/// ties up): the entry of a squares table at s.
int64_t quarterSquare(int64_t s, unsigned drop);

/// How a product x * y is computed from s = x + y in `sum` and d = x - y in
/// `difference` (both ranges of exact integers):
///   sumTable(s)  = quarterSquare(s, drop) - sumShift
///   diffTable(d) = quarterSquare(d, drop) - differenceShift
///   p = sumTable(s) - diffTable(d) = x * y / 2^drop - (sumShift -
///   differenceShift), exactly when drop is 0, within one unit otherwise.
struct SquaresProductPlan {
  unsigned drop;
  int64_t sumShift;
  int64_t differenceShift;
  /// The ranges of the two tables' entries over their inputs, and of p as
  /// interval arithmetic bounds it (sumTable's range less diffTable's).
  IntegerRange sumTable;
  IntegerRange differenceTable;
  IntegerRange product;
};

/// The plan with the fewest dropped bits whose tables and difference all fit
/// `width` signed bits; std::nullopt when none does (an empty range, or a
/// width below 2).
std::optional<SquaresProductPlan>
planSquaresProduct(IntegerRange sum, IntegerRange difference, unsigned width);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_SQUARESPRODUCT_H
