//===- IntegerOpRules.cpp - qfhe.lut and qfhe.round -----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Per channel, through the helpers the ops' InferIntRangeInterface uses: a
// lookup's result lies in the range of the entries its input reaches, a
// rounding's in the rounded bounds of its input. Both are programmable
// bootstraps in TFHE when their input is encrypted.
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

#include "mlir/IR/Threading.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Tables of at least this many entries are read by several threads.
constexpr int64_t kParallelEntries = int64_t(1) << 16;

RuleOutcome applyLut(LutOp lut, const CircuitFact &input) {
  Type resultType = lut.getResult().getType();
  bool encrypted = input.isEncrypted();
  // One range per table row along the lookup's axis; without an axis, one
  // per channel of the input (the same table maps each channel's range).
  std::optional<int64_t> axis = lut.getAxis();
  int64_t count = 1;
  if (axis)
    count = lut.getNumRows();
  else if (input.getAxis())
    count = static_cast<int64_t>(input.getRanges().size());
  std::optional<int64_t> resultAxis = axis ? axis : input.getAxis();
  SmallVector<WideRange> reached(count);
  // Read once for every row (i1 tables are decoded: once, not per row).
  RawIntegers table(lut.getTable());
  auto readRow = [&](size_t index) {
    IntegerRange in =
        resultAxis ? input.getRange(*resultAxis, index) : input.getWhole();
    std::optional<IntegerRange> range =
        lut.getReachedRange(table, axis ? index : 0, in);
    // An input range outside the input type cannot happen for a value of
    // that type; the whole result type is the safe answer.
    reached[index] = range ? WideRange::of(*range)
                           : WideRange::of(*getIntegerTypeRange(resultType));
  };
  // Each row reads its table row's reached entries (up to 2^24 in all):
  // rows in parallel when there are many entries to read.
  if (count > 1 && lut.getTable().getNumElements() >= kParallelEntries)
    parallelFor(lut.getContext(), 0, count, readRow);
  else
    for (int64_t index = 0; index < count; ++index)
      readRow(index);
  RuleOutcome outcome = exactResult(resultType, encrypted, resultAxis, reached);
  outcome.movesData = false;
  if (encrypted)
    outcome.bootstraps.push_back(
        {Bootstrap::Kind::Lookup,
         getIntegerElementType(lut.getInput().getType()).getWidth(),
         getElementsPerSample(resultType), std::nullopt});
  return outcome;
}

RuleOutcome applyRound(RoundOp round, const CircuitFact &input) {
  Type resultType = round.getResult().getType();
  unsigned drop = static_cast<unsigned>(round.getDropBits());
  SmallVector<WideRange> rounded;
  for (const IntegerRange &range : input.getRanges())
    rounded.push_back(getRoundedRange(WideRange::of(range), drop));
  RuleOutcome outcome =
      exactResult(resultType, input.isEncrypted(), input.getAxis(), rounded);
  if (input.isEncrypted())
    outcome.bootstraps.push_back(
        {Bootstrap::Kind::Rounding,
         getIntegerElementType(round.getInput().getType()).getWidth(),
         getElementsPerSample(resultType), std::nullopt});
  return outcome;
}

} // namespace

std::optional<RuleOutcome> mlir::qfhe::applyIntegerOpRule(Operation *op,
                                                          FactLookup facts) {
  if (!isa<LutOp, RoundOp>(op))
    return std::nullopt;
  const CircuitFact &input = *facts(op->getOperand(0));
  if (!input.hasRanges())
    return RuleOutcome::unrecognized(
        op, input.isEncrypted(),
        "cannot verify: its input has no integer range (wider than 64 bits)");
  if (auto lut = dyn_cast<LutOp>(op))
    return applyLut(lut, input);
  return applyRound(cast<RoundOp>(op), input);
}
