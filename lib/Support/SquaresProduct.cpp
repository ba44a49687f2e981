//===- SquaresProduct.cpp - products of two integers with two lookups -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/SquaresProduct.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::qfhe;

int64_t mlir::qfhe::quarterSquare(int64_t s, double scale) {
  int64_t exact = s * s / 4;
  if (scale == 1.0)
    return exact;
  // Rounding a product by a positive constant is monotone: the entries
  // still grow with |s|.
  return static_cast<int64_t>(
      std::floor(static_cast<long double>(exact) * scale + 0.5L));
}

/// floor(a / 2) for any sign.
static int64_t floorHalf(int64_t a) { return a >= 0 ? a / 2 : -((1 - a) / 2); }

/// The entries quarterSquare(., scale) takes over `range`: it grows with |s|.
static IntegerRange quarterSquares(IntegerRange range, double scale) {
  int64_t nearest = range.min > 0 ? range.min : range.max < 0 ? range.max : 0;
  int64_t farthest = std::max(std::llabs(range.min), std::llabs(range.max));
  return {quarterSquare(nearest, scale), quarterSquare(farthest, scale)};
}

/// The plan at `scale`, if its tables and difference fit `width` bits.
static std::optional<SquaresProductPlan> planAt(IntegerRange sum,
                                                IntegerRange difference,
                                                unsigned width, double scale) {
  IntegerRange squares = quarterSquares(sum, scale);
  IntegerRange differences = quarterSquares(difference, scale);
  // Center the difference table, then the product.
  int64_t differenceShift = floorHalf(differences.min + differences.max);
  IntegerRange differenceTable{differences.min - differenceShift,
                               differences.max - differenceShift};
  IntegerRange unshifted{squares.min - differenceTable.max,
                         squares.max - differenceTable.min};
  int64_t sumShift = floorHalf(unshifted.min + unshifted.max + 1);
  SquaresProductPlan plan{
      scale,           sumShift,
      differenceShift, {squares.min - sumShift, squares.max - sumShift},
      differenceTable, {unshifted.min - sumShift, unshifted.max - sumShift}};
  if (getSignedBitWidth(plan.sumTable) <= width &&
      getSignedBitWidth(plan.differenceTable) <= width &&
      getSignedBitWidth(plan.product) <= width)
    return plan;
  return std::nullopt;
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
  if (std::optional<SquaresProductPlan> exact =
          planAt(sum, difference, width, 1.0))
    return exact;
  // The largest power of two that fits, then the largest scale below twice
  // it (bisection; the ranges grow with the scale, and whichever scale is
  // kept is checked to fit).
  for (int drop = 1; drop < 62; ++drop) {
    double low = std::ldexp(1.0, -drop);
    std::optional<SquaresProductPlan> best =
        planAt(sum, difference, width, low);
    if (!best)
      continue;
    double high = 2 * low;
    for (int step = 0; step < 40; ++step) {
      double middle = (low + high) / 2;
      if (std::optional<SquaresProductPlan> plan =
              planAt(sum, difference, width, middle)) {
        best = plan;
        low = middle;
      } else {
        high = middle;
      }
    }
    return best;
  }
  return std::nullopt;
}
