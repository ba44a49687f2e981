//===- SquaresProduct.cpp - products of two integers with two lookups -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/SquaresProduct.h"

#include <algorithm>
#include <cstdlib>

using namespace mlir;
using namespace mlir::qfhe;

int64_t mlir::qfhe::quarterSquare(int64_t s, unsigned drop) {
  return roundingShiftRight(s * s / 4, drop);
}

/// floor(a / 2) for any sign.
static int64_t floorHalf(int64_t a) { return a >= 0 ? a / 2 : -((1 - a) / 2); }

/// The entries quarterSquare(., drop) takes over `range`: it grows with |s|.
static IntegerRange quarterSquares(IntegerRange range, unsigned drop) {
  int64_t nearest = range.min > 0 ? range.min : range.max < 0 ? range.max : 0;
  int64_t farthest = std::max(std::llabs(range.min), std::llabs(range.max));
  return {quarterSquare(nearest, drop), quarterSquare(farthest, drop)};
}

std::optional<SquaresProductPlan>
mlir::qfhe::planSquaresProduct(IntegerRange sum, IntegerRange difference,
                               unsigned width) {
  // |s| and |d| beyond 2^31 would overflow the squares.
  constexpr int64_t kLargest = int64_t(1) << 31;
  if (width < 2 || width > 62 || sum.min > sum.max ||
      difference.min > difference.max ||
      std::max(std::llabs(sum.min), std::llabs(sum.max)) > kLargest ||
      std::max(std::llabs(difference.min), std::llabs(difference.max)) >
          kLargest)
    return std::nullopt;
  for (unsigned drop = 0; drop < 62; ++drop) {
    IntegerRange squares = quarterSquares(sum, drop);
    IntegerRange differences = quarterSquares(difference, drop);
    // Center the difference table, then the product.
    int64_t differenceShift = floorHalf(differences.min + differences.max);
    IntegerRange differenceTable{differences.min - differenceShift,
                                 differences.max - differenceShift};
    IntegerRange unshifted{squares.min - differenceTable.max,
                           squares.max - differenceTable.min};
    int64_t sumShift = floorHalf(unshifted.min + unshifted.max + 1);
    SquaresProductPlan plan{
        drop,
        sumShift,
        differenceShift,
        {squares.min - sumShift, squares.max - sumShift},
        differenceTable,
        {unshifted.min - sumShift, unshifted.max - sumShift}};
    if (getSignedBitWidth(plan.sumTable) <= width &&
        getSignedBitWidth(plan.differenceTable) <= width &&
        getSignedBitWidth(plan.product) <= width)
      return plan;
  }
  return std::nullopt;
}
