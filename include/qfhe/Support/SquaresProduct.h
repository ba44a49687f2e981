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
// When the product is requantized to a few levels, the rounding of the
// scaled tables is free as long as every pair lands on its level:
// solveExactSquares chooses the entries (within the plan's ranges) and the
// thresholds on their difference that give every pair of factors exactly
// the level of its product, where such entries exist.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_SQUARESPRODUCT_H
#define QFHE_SUPPORT_SQUARESPRODUCT_H

#include "qfhe/Support/QuantMath.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>
#include <vector>

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

/// Squares tables with which a product requantized to a few levels is
/// exact: for every x and y of the factors' ranges,
///   p = sumEntries[x + y - sumMin] - differenceEntries[x - y - differenceMin]
/// is at least thresholds[k - 1] and below thresholds[k] exactly when the
/// product's level is levels[k] (levels ascending with x * y). The entries
/// are unshifted (the plan's sumShift and differenceShift center them in
/// the plan's table ranges), so p has the plan's product range shifted by
/// sumShift - differenceShift, and stands for about scale * x * y.
struct ExactSquaresTables {
  int64_t sumMin = 0;
  int64_t differenceMin = 0;
  std::vector<int64_t> sumEntries;
  std::vector<int64_t> differenceEntries;
  std::vector<int64_t> thresholds;
  std::vector<int64_t> levels;

  /// The level a difference of entries p stands for (the first below the
  /// first threshold, the last at or above the last).
  int64_t getLevel(int64_t p) const;
};

/// Entries for `plan`'s two tables (each within the plan's table range once
/// shifted) and thresholds on their difference for which every pair of `x`
/// and `y` gets exactly `level(x * y)`, a nondecreasing function of the
/// product: the constraints p >= threshold or p < threshold of each pair
/// are differences of two entries, solved as shortest paths
/// (Bellman-Ford). The thresholds sit halfway, at the plan's scale, between
/// the largest product of one level and the smallest of the next.
/// std::nullopt when the plan's scale is 1 (its tables are exact as they
/// are), when more than `maxPairs` pairs would be constrained, when
/// `level` decreases somewhere, or when no entries satisfy every pair.
/// Answers are remembered (thread-safe), since the measured allocation
/// search lowers the same product for many candidates.
std::optional<ExactSquaresTables>
solveExactSquares(IntegerRange x, IntegerRange y,
                  const SquaresProductPlan &plan,
                  llvm::function_ref<int64_t(int64_t)> level,
                  int64_t maxPairs = int64_t(1) << 16);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_SQUARESPRODUCT_H
