//===- RangeRules.h - transfer functions of range inference -----*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The transfer functions the range analysis dispatches to, one family per
// file. Each takes the ranges of an op's operands and returns the ranges of
// its results (or std::nullopt when the family has no rule for the op).
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_ANALYSIS_RANGERULES_H
#define QFHE_LIB_ANALYSIS_RANGERULES_H

#include "qfhe/Analysis/ConstantValues.h"
#include "qfhe/Analysis/TensorRange.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir {
namespace qfhe {

using RangeResults = SmallVector<TensorRange, 1>;

//===----------------------------------------------------------------------===//
// Scalar rules (ScalarRangeRules.cpp)
//===----------------------------------------------------------------------===//

/// An interval, or the reason it could not be computed.
struct ScalarRange {
  Interval interval;
  std::string reason;

  static ScalarRange of(Interval interval) { return {interval, {}}; }
  static ScalarRange unknown(StringRef why) {
    return {Interval::full(), why.str()};
  }
};

/// Whether `op` is an arith/math op with a scalar rule.
bool hasScalarRule(Operation *op);

/// Evaluates the arith/math op `op` element by element on intervals: the
/// result holds every value the op computes, in its float type, for
/// operands in `operands` (rounding included). `op` may work on scalars or
/// elementwise on tensors.
ScalarRange evaluateScalarOp(Operation *op, ArrayRef<Interval> operands);

/// Widens `interval` outward by the rounding error of `ulps` roundings to
/// the float type `type` (the element type of a tensor is used); no change
/// for non-float types.
Interval widenForRounding(const Interval &interval, Type type,
                          double ulps = 1.0);

/// Unit roundoff of the float element type of `type` (0 if not a float).
double getUnitRoundoff(Type type);

/// Error bound factor of a float sum of `n` rounded terms, `n u / (1 - n u)`
/// (Higham's gamma_n): |computed - exact| <= gamma_n * sum |terms|.
double sumErrorFactor(uint64_t n, double u);

//===----------------------------------------------------------------------===//
// Constants (ConstantRanges.cpp)
//===----------------------------------------------------------------------===//

/// The constant elements `value` is defined by, if any.
ElementsAttr getConstantElements(Value value);
/// Range of the float or integer elements of `attr` (exact).
Interval getElementsRange(ElementsAttr attr);
/// Exact range per index along `axis` of `attr`.
SmallVector<Interval> getElementsRangePerAxis(ElementsAttr attr, int64_t axis);

//===----------------------------------------------------------------------===//
// Op families
//===----------------------------------------------------------------------===//

/// linalg structured ops (named and generic) and linalg.softmax.
std::optional<RangeResults> inferLinalgRanges(Operation *op,
                                              ArrayRef<TensorRange> operands);
/// tensor dialect ops, arith.constant, qfhe ops.
std::optional<RangeResults> inferTensorOpRanges(Operation *op,
                                                ArrayRef<TensorRange> operands);
/// tosa ops.
std::optional<RangeResults> inferTosaRanges(Operation *op,
                                            ArrayRef<TensorRange> operands);
/// arith/math ops applied elementwise to tensors or scalars.
std::optional<RangeResults>
inferElementwiseRanges(Operation *op, ArrayRef<TensorRange> operands);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_ANALYSIS_RANGERULES_H
