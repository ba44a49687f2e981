//===- ScalarRangeRules.cpp - interval rules of arith and math ops --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Each rule bounds the exact real result over its operand intervals, then
// widens the bounds by the rounding of the op's float type: correctly
// rounded ops (add, sub, mul, div) by one unit roundoff relative to each
// bound, library functions (exp, tanh, erf, ...) by four. Ops that only
// select or compare (max, min, neg, abs, select) are exact.
//
//===----------------------------------------------------------------------===//

#include "RangeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

double mlir::qfhe::getUnitRoundoff(Type type) {
  auto floatType = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  if (!floatType)
    return 0.0;
  return unitRoundoff(floatType.getFPMantissaWidth() - 1);
}

double mlir::qfhe::sumErrorFactor(uint64_t n, double u) {
  double nu = static_cast<double>(n) * u;
  return nu < 1 ? nu / (1 - nu) : std::numeric_limits<double>::infinity();
}

/// Widens one bound: a rounded result keeps its sign and lies within a
/// relative `u` of the exact value, plus the spacing of subnormals.
static double widenBound(double bound, double u, double tiny, bool lower) {
  if (!std::isfinite(bound))
    return bound;
  double margin = std::fabs(bound) * u + tiny;
  if (lower)
    return bound >= 0 ? std::max(0.0, bound - margin) : bound - margin;
  return bound <= 0 ? std::min(0.0, bound + margin) : bound + margin;
}

Interval mlir::qfhe::widenForRounding(const Interval &interval, Type type,
                                      double ulps) {
  auto floatType = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  if (!floatType || interval.isEmpty())
    return interval;
  double u = getUnitRoundoff(floatType) * ulps;
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  double tiny = llvm::APFloat::getSmallest(semantics).convertToDouble() * ulps;
  double largest = llvm::APFloat::getLargest(semantics).convertToDouble();
  double lo = widenBound(interval.getLo(), u, tiny, /*lower=*/true);
  double hi = widenBound(interval.getHi(), u, tiny, /*lower=*/false);
  // Results beyond the largest finite value overflow to infinity.
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (lo < -largest)
    lo = -inf;
  if (hi > largest)
    hi = inf;
  return Interval(lo, hi);
}

bool mlir::qfhe::hasScalarRule(Operation *op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp,
             arith::MaxNumFOp, arith::MinNumFOp, arith::RemFOp, arith::SelectOp,
             arith::ExtFOp, arith::TruncFOp, arith::ConstantOp, arith::CmpFOp,
             math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp,
             math::Log2Op, math::Log10Op, math::Log1pOp, math::SqrtOp,
             math::RsqrtOp, math::TanhOp, math::ErfOp, math::ErfcOp,
             math::AbsFOp, math::CeilOp, math::FloorOp, math::RoundOp,
             math::RoundEvenOp, math::TruncOp, math::SinOp, math::CosOp,
             math::AtanOp, math::CbrtOp, math::PowFOp, math::FmaOp>(op);
}

namespace {

/// Applies an interval function that may fail (NaN), naming the op.
ScalarRange checked(std::optional<Interval> interval, StringRef why) {
  if (!interval)
    return ScalarRange::unknown(why);
  return ScalarRange::of(*interval);
}

/// Monotone library function, widened by four unit roundoffs.
ScalarRange increasing(const Interval &x, double (*f)(double), Type type) {
  return ScalarRange::of(widenForRounding(applyIncreasing(x, f), type, 4.0));
}

/// A monotone library function whose values stay inside [lo, hi] (tanh and
/// erf never leave [-1, 1], rounded or not).
ScalarRange increasingWithin(const Interval &x, double (*f)(double), Type type,
                             double lo, double hi) {
  Interval range = increasing(x, f, type).interval;
  if (range.isEmpty())
    return ScalarRange::of(range);
  return ScalarRange::of(Interval(std::clamp(range.getLo(), lo, hi),
                                  std::clamp(range.getHi(), lo, hi)));
}

ScalarRange decreasing(const Interval &x, double (*f)(double), Type type) {
  return ScalarRange::of(widenForRounding(applyDecreasing(x, f), type, 4.0));
}

/// Rules of functions defined only from `lowest` up (log, sqrt).
ScalarRange fromLowest(const Interval &x, double lowest, double (*f)(double),
                       Type type, StringRef name) {
  if (x.getLo() < lowest)
    return ScalarRange::unknown(
        (name + " of a range reaching below its domain (NaN)").str());
  return increasing(x, f, type);
}

ScalarRange powRule(const Interval &base, const Interval &exponent, Type type) {
  if (exponent.getLo() == exponent.getHi()) {
    double p = exponent.getLo();
    if (p == 2.0)
      return ScalarRange::of(widenForRounding(square(base), type, 4.0));
    if (p == 1.0)
      return ScalarRange::of(base);
    if (base.getLo() >= 0 && p > 0)
      return ScalarRange::of(widenForRounding(
          applyIncreasing(base, [p](double v) { return std::pow(v, p); }), type,
          4.0));
  }
  return ScalarRange::unknown("powf with a non-constant exponent or a base "
                              "that may be negative");
}

/// select(a > b, a, b) is max(a, b) (relu as torch-mlir writes it), and
/// likewise for the other orders; any other select joins its two choices.
ScalarRange selectRule(arith::SelectOp select, ArrayRef<Interval> x) {
  auto compare = select.getCondition().getDefiningOp<arith::CmpFOp>();
  if (compare) {
    using P = arith::CmpFPredicate;
    P predicate = compare.getPredicate();
    bool greater = predicate == P::OGT || predicate == P::OGE ||
                   predicate == P::UGT || predicate == P::UGE;
    bool less = predicate == P::OLT || predicate == P::OLE ||
                predicate == P::ULT || predicate == P::ULE;
    bool same = compare.getLhs() == select.getTrueValue() &&
                compare.getRhs() == select.getFalseValue();
    bool swapped = compare.getLhs() == select.getFalseValue() &&
                   compare.getRhs() == select.getTrueValue();
    if ((same && greater) || (swapped && less))
      return ScalarRange::of(max(x[1], x[2]));
    if ((same && less) || (swapped && greater))
      return ScalarRange::of(min(x[1], x[2]));
  }
  return ScalarRange::of(x[1].join(x[2]));
}

/// Rule of arith.constant producing a scalar or a tensor of floats.
ScalarRange constantRule(arith::ConstantOp op) {
  Attribute value = op.getValue();
  if (auto floatAttr = dyn_cast<FloatAttr>(value))
    return ScalarRange::of(Interval::point(floatAttr.getValueAsDouble()));
  if (auto intAttr = dyn_cast<IntegerAttr>(value))
    return ScalarRange::of(Interval::point(
        static_cast<double>(intAttr.getValue().getSExtValue())));
  if (auto elements = dyn_cast<ElementsAttr>(value))
    return ScalarRange::of(getElementsRange(elements));
  return ScalarRange::unknown("constant of an unsupported kind");
}

} // namespace

ScalarRange mlir::qfhe::evaluateScalarOp(Operation *op, ArrayRef<Interval> x) {
  Type type = op->getNumResults() ? op->getResult(0).getType() : Type();
  auto basic = [&](std::optional<Interval> interval,
                   StringRef why) -> ScalarRange {
    ScalarRange range = checked(interval, why);
    if (range.reason.empty())
      range.interval = widenForRounding(range.interval, type);
    return range;
  };
  return llvm::TypeSwitch<Operation *, ScalarRange>(op)
      .Case([&](arith::AddFOp) {
        return basic(add(x[0], x[1]), "addition of infinities (NaN)");
      })
      .Case([&](arith::SubFOp) {
        return basic(sub(x[0], x[1]), "subtraction of infinities (NaN)");
      })
      .Case([&](arith::MulFOp mul) {
        if (mul.getLhs() == mul.getRhs())
          return ScalarRange::of(widenForRounding(square(x[0]), type));
        return basic(qfhe::mul(x[0], x[1]), "product of 0 and infinity (NaN)");
      })
      .Case([&](arith::DivFOp) {
        return basic(div(x[0], x[1]), "division by a range containing 0");
      })
      .Case([&](arith::RemFOp) {
        // |a rem b| < |b| and |a rem b| <= |a|, with the sign of a.
        double m = std::min(x[0].magnitude(), x[1].magnitude());
        return ScalarRange::of(
            Interval(x[0].getLo() < 0 ? -m : 0.0, x[0].getHi() > 0 ? m : 0.0));
      })
      .Case([&](arith::NegFOp) { return ScalarRange::of(neg(x[0])); })
      .Case([&](arith::MaximumFOp) { return ScalarRange::of(max(x[0], x[1])); })
      .Case([&](arith::MinimumFOp) { return ScalarRange::of(min(x[0], x[1])); })
      // maxnumf and minnumf return the other operand when one is NaN (an
      // empty range holds no number: a NaN constant, say, such as the
      // initial value of linalg.softmax's max reduction).
      .Case([&](arith::MaxNumFOp) {
        return ScalarRange::of(x[0].isEmpty()   ? x[1]
                               : x[1].isEmpty() ? x[0]
                                                : max(x[0], x[1]));
      })
      .Case([&](arith::MinNumFOp) {
        return ScalarRange::of(x[0].isEmpty()   ? x[1]
                               : x[1].isEmpty() ? x[0]
                                                : min(x[0], x[1]));
      })
      .Case([&](arith::SelectOp select) { return selectRule(select, x); })
      .Case([&](arith::CmpFOp) { return ScalarRange::of(Interval(0.0, 1.0)); })
      .Case([&](arith::ExtFOp) { return ScalarRange::of(x[0]); })
      .Case([&](arith::TruncFOp) {
        return ScalarRange::of(widenForRounding(x[0], type));
      })
      .Case([&](arith::ConstantOp constant) { return constantRule(constant); })
      .Case([&](math::ExpOp) { return increasing(x[0], std::exp, type); })
      .Case([&](math::Exp2Op) { return increasing(x[0], std::exp2, type); })
      .Case([&](math::ExpM1Op) { return increasing(x[0], std::expm1, type); })
      .Case([&](math::LogOp) {
        return fromLowest(x[0], 0.0, std::log, type, "log");
      })
      .Case([&](math::Log2Op) {
        return fromLowest(x[0], 0.0, std::log2, type, "log2");
      })
      .Case([&](math::Log10Op) {
        return fromLowest(x[0], 0.0, std::log10, type, "log10");
      })
      .Case([&](math::Log1pOp) {
        return fromLowest(x[0], -1.0, std::log1p, type, "log1p");
      })
      .Case([&](math::SqrtOp) {
        return fromLowest(x[0], 0.0, std::sqrt, type, "sqrt");
      })
      .Case([&](math::RsqrtOp) {
        if (x[0].getLo() <= 0)
          return ScalarRange::unknown(
              "rsqrt of a range reaching 0 or below (unbounded or NaN)");
        return decreasing(
            x[0], [](double v) { return 1.0 / std::sqrt(v); }, type);
      })
      .Case([&](math::TanhOp) {
        return increasingWithin(x[0], std::tanh, type, -1.0, 1.0);
      })
      .Case([&](math::ErfOp) {
        return increasingWithin(x[0], std::erf, type, -1.0, 1.0);
      })
      .Case([&](math::ErfcOp) { return decreasing(x[0], std::erfc, type); })
      .Case([&](math::AtanOp) { return increasing(x[0], std::atan, type); })
      .Case([&](math::CbrtOp) { return increasing(x[0], std::cbrt, type); })
      .Case([&](math::AbsFOp) { return ScalarRange::of(abs(x[0])); })
      .Case([&](math::CeilOp) {
        return ScalarRange::of(
            applyIncreasing(x[0], [](double v) { return std::ceil(v); }));
      })
      .Case([&](math::FloorOp) {
        return ScalarRange::of(
            applyIncreasing(x[0], [](double v) { return std::floor(v); }));
      })
      .Case([&](math::RoundOp) {
        return ScalarRange::of(
            applyIncreasing(x[0], [](double v) { return std::round(v); }));
      })
      .Case([&](math::RoundEvenOp) {
        return ScalarRange::of(
            applyIncreasing(x[0], [](double v) { return std::nearbyint(v); }));
      })
      .Case([&](math::TruncOp) {
        return ScalarRange::of(
            applyIncreasing(x[0], [](double v) { return std::trunc(v); }));
      })
      .Case<math::SinOp, math::CosOp>(
          [&](auto) { return ScalarRange::of(Interval(-1.0, 1.0)); })
      .Case([&](math::PowFOp) { return powRule(x[0], x[1], type); })
      .Case([&](math::FmaOp) {
        std::optional<Interval> product = qfhe::mul(x[0], x[1]);
        if (!product)
          return ScalarRange::unknown("product of 0 and infinity (NaN)");
        return basic(add(*product, x[2]), "addition of infinities (NaN)");
      })
      .Default([&](Operation *other) {
        return ScalarRange::unknown(
            ("no range rule for '" + other->getName().getStringRef() + "'")
                .str());
      });
}
