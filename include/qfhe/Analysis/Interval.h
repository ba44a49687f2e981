//===- Interval.h - closed intervals of reals -------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Interval arithmetic on doubles for value-range inference. Every operation
// returns an interval that contains the result of the operation applied to
// any points of its operand intervals (soundness); infinite bounds stand for
// "unbounded". An interval may be empty (no value), the neutral element of
// `join`. Results that could be NaN are reported as `std::nullopt` by the
// operations that can produce them, so callers can say why a range is lost.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_ANALYSIS_INTERVAL_H
#define QFHE_ANALYSIS_INTERVAL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

/// A closed interval [lo, hi] of reals; bounds may be infinite.
class Interval {
public:
  /// The interval holding exactly `value`.
  static Interval point(double value) { return Interval(value, value); }
  /// The interval holding no value.
  static Interval empty();
  /// The interval of every real, [-inf, +inf].
  static Interval full();

  /// The empty interval.
  Interval() : Interval(empty()) {}
  /// [lo, hi]; `lo <= hi` unless the interval is empty.
  Interval(double lo, double hi) : lo(lo), hi(hi) {}

  double getLo() const { return lo; }
  double getHi() const { return hi; }
  bool isEmpty() const { return !(lo <= hi); }
  /// Both bounds are finite (an empty interval is not finite).
  bool isFinite() const;
  bool contains(double value) const { return lo <= value && value <= hi; }
  bool contains(const Interval &other) const;
  /// Largest magnitude of a member: max(|lo|, |hi|).
  double magnitude() const;

  /// Smallest interval containing both (inline: the ranges of constants
  /// join every element, millions of weights).
  Interval join(const Interval &other) const {
    if (isEmpty())
      return other;
    if (other.isEmpty())
      return *this;
    return Interval(std::min(lo, other.lo), std::max(hi, other.hi));
  }
  /// Widens outward by `relative * magnitude() + absolute` on each side.
  Interval widen(double relative, double absolute = 0.0) const;

  bool operator==(const Interval &other) const;
  bool operator!=(const Interval &other) const { return !(*this == other); }

  void print(llvm::raw_ostream &os) const;
  /// The interval as text, `[lo, hi]`.
  std::string str() const;

private:
  double lo, hi;
};

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                     const Interval &interval) {
  interval.print(os);
  return os;
}

/// Interval arithmetic. Operations that may produce NaN for some members
/// (inf - inf, 0 * inf, x / [.. 0 ..]) return std::nullopt.
std::optional<Interval> add(const Interval &a, const Interval &b);
std::optional<Interval> sub(const Interval &a, const Interval &b);
std::optional<Interval> mul(const Interval &a, const Interval &b);
/// a * a: the square of one value (never negative), tighter than mul(a, a).
Interval square(const Interval &a);
/// a / b; std::nullopt when b contains 0 (the quotient is unbounded or NaN).
std::optional<Interval> div(const Interval &a, const Interval &b);
Interval neg(const Interval &a);
Interval abs(const Interval &a);
Interval max(const Interval &a, const Interval &b);
Interval min(const Interval &a, const Interval &b);
/// a scaled by the constant `factor` (finite).
Interval scale(const Interval &a, double factor);
/// Sum of `count` values each in `a` (count >= 0).
std::optional<Interval> repeatAdd(const Interval &a, uint64_t count);

/// Image of `a` by a monotone non-decreasing function.
Interval applyIncreasing(const Interval &a,
                         const std::function<double(double)> &f);
/// Image of `a` by a monotone non-increasing function.
Interval applyDecreasing(const Interval &a,
                         const std::function<double(double)> &f);

/// Widens the exact bound `sum` of a float sum by its rounding `error`
/// (absolute), except across 0 where every term has the sign of the bound:
/// a sum of non-negative floats is never negative, rounded or not.
Interval widenSum(const Interval &sum, double error, bool termsNonNegative,
                  bool termsNonPositive);

/// Unit roundoff (half an ulp of 1) of an IEEE float type with
/// `mantissaBits` explicit mantissa bits: 2^-(mantissaBits+1).
double unitRoundoff(unsigned mantissaBits);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_ANALYSIS_INTERVAL_H
