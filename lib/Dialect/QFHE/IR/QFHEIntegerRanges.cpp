//===- QFHEIntegerRanges.cpp - integer ranges of qfhe's integer ops -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// InferIntRangeInterface on qfhe.lut and qfhe.round, so that upstream
// integer range analysis (-int-range-optimizations) sees through them. The
// bit-width verifier uses the same helpers per channel, so both agree.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"
#include "qfhe/Support/IntegerRangeMath.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The range `ranges` states, in the reading of `type` (unsigned for `uiN`,
/// two's complement otherwise).
IntegerRange readRange(const ConstantIntRanges &ranges, IntegerType type) {
  if (type.isUnsigned())
    return {static_cast<int64_t>(ranges.umin().getZExtValue()),
            static_cast<int64_t>(ranges.umax().getZExtValue())};
  return {ranges.smin().getSExtValue(), ranges.smax().getSExtValue()};
}

/// `range` (in the reading of `type`) as ConstantIntRanges; the whole type
/// when it does not fit.
ConstantIntRanges writeRange(WideRange range, IntegerType type) {
  unsigned width = type.getWidth();
  std::optional<IntegerRange> typeRange =
      getTypeRange(width, type.isUnsigned());
  if (!typeRange || range.min < typeRange->min || range.max > typeRange->max)
    return ConstantIntRanges::maxRange(width);
  APInt lo(width, static_cast<uint64_t>(range.min), !type.isUnsigned());
  APInt hi(width, static_cast<uint64_t>(range.max), !type.isUnsigned());
  return type.isUnsigned() ? ConstantIntRanges::fromUnsigned(lo, hi)
                           : ConstantIntRanges::fromSigned(lo, hi);
}

IntegerType getElementIntegerType(Value value) {
  return cast<IntegerType>(getElementTypeOrSelf(value.getType()));
}

} // namespace

//===----------------------------------------------------------------------===//
// LutOp
//===----------------------------------------------------------------------===//

int64_t LutOp::getNumRows() {
  return getAxis() ? cast<ShapedType>(getTable().getType()).getDimSize(0) : 1;
}

std::optional<IntegerRange> LutOp::getReachedRange(const RawIntegers &table,
                                                   int64_t row,
                                                   IntegerRange input) {
  IntegerType inputType = getElementIntegerType(getInput());
  std::optional<IntegerRange> type =
      getTypeRange(inputType.getWidth(), inputType.isUnsigned());
  if (!type || row < 0 || row >= getNumRows())
    return std::nullopt;
  int64_t from = std::max(input.min, type->min);
  int64_t to = std::min(input.max, type->max);
  if (from > to)
    return std::nullopt;
  int64_t entries = static_cast<int64_t>(type->size());
  int64_t first = row * entries - type->min;
  auto [least, greatest] = table.getMinMax(first + from, first + to + 1);
  return IntegerRange{least, greatest};
}

void LutOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                              SetIntRangeFn setResultRange) {
  IntegerType resultType = getElementIntegerType(getResult());
  IntegerRange input =
      readRange(argRanges[0], getElementIntegerType(getInput()));
  std::optional<WideRange> hull;
  RawIntegers table(getTable());
  for (int64_t row = 0, rows = getNumRows(); row < rows; ++row)
    if (std::optional<IntegerRange> reached =
            getReachedRange(table, row, input))
      hull =
          hull ? hull->join(WideRange::of(*reached)) : WideRange::of(*reached);
  if (!hull)
    return setResultRange(getResult(),
                          ConstantIntRanges::maxRange(resultType.getWidth()));
  setResultRange(getResult(), writeRange(*hull, resultType));
}

//===----------------------------------------------------------------------===//
// RoundOp
//===----------------------------------------------------------------------===//

void RoundOp::inferResultRanges(ArrayRef<ConstantIntRanges> argRanges,
                                SetIntRangeFn setResultRange) {
  IntegerRange input =
      readRange(argRanges[0], getElementIntegerType(getInput()));
  WideRange rounded = getRoundedRange(WideRange::of(input),
                                      static_cast<unsigned>(getDropBits()));
  setResultRange(getResult(),
                 writeRange(rounded, getElementIntegerType(getResult())));
}
