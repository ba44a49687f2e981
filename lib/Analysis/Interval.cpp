//===- Interval.cpp - closed intervals of reals ---------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/Interval.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

static constexpr double kInf = std::numeric_limits<double>::infinity();

Interval Interval::empty() { return Interval(kInf, -kInf); }

Interval Interval::full() { return Interval(-kInf, kInf); }

bool Interval::isFinite() const {
  return !isEmpty() && std::isfinite(lo) && std::isfinite(hi);
}

bool Interval::contains(const Interval &other) const {
  return other.isEmpty() || (lo <= other.lo && other.hi <= hi);
}

double Interval::magnitude() const {
  return isEmpty() ? 0.0 : std::max(std::fabs(lo), std::fabs(hi));
}

Interval Interval::widen(double relative, double absolute) const {
  if (isEmpty())
    return *this;
  double margin = relative * magnitude() + absolute;
  return Interval(lo - margin, hi + margin);
}

bool Interval::operator==(const Interval &other) const {
  if (isEmpty() || other.isEmpty())
    return isEmpty() == other.isEmpty();
  return lo == other.lo && hi == other.hi;
}

void Interval::print(llvm::raw_ostream &os) const {
  if (isEmpty()) {
    os << "[empty]";
    return;
  }
  os << '[' << llvm::format("%g", lo) << ", " << llvm::format("%g", hi) << ']';
}

std::string Interval::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  print(os);
  return text;
}

/// Checks the bounds of a result: a NaN bound means some member had no
/// defined result (inf - inf, 0 * inf).
static std::optional<Interval> checked(double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi))
    return std::nullopt;
  return Interval(lo, hi);
}

std::optional<Interval> mlir::qfhe::add(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return checked(a.getLo() + b.getLo(), a.getHi() + b.getHi());
}

std::optional<Interval> mlir::qfhe::sub(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return checked(a.getLo() - b.getHi(), a.getHi() - b.getLo());
}

std::optional<Interval> mlir::qfhe::mul(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  double products[] = {a.getLo() * b.getLo(), a.getLo() * b.getHi(),
                       a.getHi() * b.getLo(), a.getHi() * b.getHi()};
  double lo = kInf, hi = -kInf;
  for (double product : products) {
    if (std::isnan(product))
      return std::nullopt;
    lo = std::min(lo, product);
    hi = std::max(hi, product);
  }
  return Interval(lo, hi);
}

Interval mlir::qfhe::square(const Interval &a) {
  if (a.isEmpty())
    return a;
  double low = a.getLo() * a.getLo(), high = a.getHi() * a.getHi();
  if (a.contains(0.0))
    return Interval(0.0, std::max(low, high));
  return Interval(std::min(low, high), std::max(low, high));
}

std::optional<Interval> mlir::qfhe::div(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  if (b.contains(0.0))
    return std::nullopt;
  return mul(a, Interval(1.0 / b.getHi(), 1.0 / b.getLo()));
}

Interval mlir::qfhe::neg(const Interval &a) {
  if (a.isEmpty())
    return a;
  return Interval(-a.getHi(), -a.getLo());
}

Interval mlir::qfhe::abs(const Interval &a) {
  if (a.isEmpty())
    return a;
  if (a.contains(0.0))
    return Interval(0.0, a.magnitude());
  return Interval(std::min(std::fabs(a.getLo()), std::fabs(a.getHi())),
                  a.magnitude());
}

Interval mlir::qfhe::max(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return Interval(std::max(a.getLo(), b.getLo()),
                  std::max(a.getHi(), b.getHi()));
}

Interval mlir::qfhe::min(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return Interval(std::min(a.getLo(), b.getLo()),
                  std::min(a.getHi(), b.getHi()));
}

Interval mlir::qfhe::scale(const Interval &a, double factor) {
  if (a.isEmpty())
    return a;
  if (factor == 0.0)
    return Interval::point(0.0);
  double x = a.getLo() * factor, y = a.getHi() * factor;
  return Interval(std::min(x, y), std::max(x, y));
}

std::optional<Interval> mlir::qfhe::repeatAdd(const Interval &a,
                                              uint64_t count) {
  if (a.isEmpty())
    return a;
  if (count == 0)
    return Interval::point(0.0);
  double n = static_cast<double>(count);
  return checked(a.getLo() * n, a.getHi() * n);
}

Interval mlir::qfhe::applyIncreasing(const Interval &a,
                                     const std::function<double(double)> &f) {
  if (a.isEmpty())
    return a;
  return Interval(f(a.getLo()), f(a.getHi()));
}

Interval mlir::qfhe::applyDecreasing(const Interval &a,
                                     const std::function<double(double)> &f) {
  if (a.isEmpty())
    return a;
  return Interval(f(a.getHi()), f(a.getLo()));
}

Interval mlir::qfhe::widenSum(const Interval &sum, double error,
                              bool termsNonNegative, bool termsNonPositive) {
  if (sum.isEmpty())
    return sum;
  Interval widened = sum.widen(0.0, error);
  double lo = widened.getLo(), hi = widened.getHi();
  if (termsNonNegative)
    lo = std::max(lo, 0.0);
  if (termsNonPositive)
    hi = std::min(hi, 0.0);
  return Interval(lo, hi);
}

double mlir::qfhe::unitRoundoff(unsigned mantissaBits) {
  return std::ldexp(1.0, -static_cast<int>(mantissaBits) - 1);
}
