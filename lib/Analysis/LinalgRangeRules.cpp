//===- LinalgRangeRules.cpp - ranges of linalg ops ------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// One rule serves every linalg structured op, named or generic: its body is
// evaluated on intervals, per output channel where operands are known per
// channel, with closed forms for sum, max and min reductions. Contractions
// with a constant operand (matmul, conv, ... with weights) are computed
// exactly instead: output channel j gets init + sum_i [min, max](w_ij * x_i)
// over x_i in its range, the tightest interval bound. Univariate bodies
// (activations, even when written as several ops in which the input appears
// more than once, like gelu) are evaluated on a subdivision of their input
// range, which keeps the bound tight.
//
//===----------------------------------------------------------------------===//

#include "RangeRules.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Most iterations an exact contraction may enumerate before the body rule
/// is used instead.
constexpr uint64_t kMaxContractionSteps = uint64_t(1) << 26;
/// Pieces a univariate body's input range is cut into.
constexpr int kSubdivisions = 64;

/// Evaluates one linalg op for one output result.
class LinalgRangeRule {
public:
  LinalgRangeRule(linalg::LinalgOp op, ArrayRef<TensorRange> operands)
      : op(op), operands(operands), maps(op.getIndexingMapsArray()),
        loopSizes(op.getStaticLoopRanges()) {
    for (OpOperand &operand : op->getOpOperands())
      constants.push_back(getConstantElements(operand.get()));
  }

  TensorRange compute(unsigned resultIndex);

private:
  /// Picks the output dimension that can carry per-channel ranges.
  void chooseChannel(unsigned resultIndex);
  /// Range of operand `index` for output channel `channel` (or whole).
  Interval operandRange(unsigned index, std::optional<int64_t> channel);
  std::optional<TensorRange> contractExactly(unsigned resultIndex);
  ScalarRange evaluateBody(unsigned resultIndex,
                           std::optional<int64_t> channel);
  ScalarRange evaluateValue(Value value, DenseMap<Value, Interval> &known);
  /// Result of the body under the reduction rules.
  ScalarRange reduce(unsigned resultIndex, DenseMap<Value, Interval> &seed);
  std::optional<std::string> firstUnknownOperandReason();

  linalg::LinalgOp op;
  ArrayRef<TensorRange> operands;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> loopSizes;
  SmallVector<ElementsAttr> constants;
  /// Output dimension, loop dimension and count of the channel, if any.
  std::optional<int64_t> outputAxis;
  unsigned channelLoop = 0;
  int64_t channelCount = 0;
  /// Per operand, per channel ranges of constants sliced along the channel.
  DenseMap<unsigned, SmallVector<Interval>> constantChannels;
};

void LinalgRangeRule::chooseChannel(unsigned resultIndex) {
  OpOperand *init = op.getDpsInitOperand(resultIndex);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  auto outType = dyn_cast<RankedTensorType>(init->get().getType());
  if (!outType || outMap.getNumResults() < 2)
    return;
  for (unsigned dim = 0; dim < outMap.getNumResults(); ++dim) {
    auto expr = dyn_cast<AffineDimExpr>(outMap.getResult(dim));
    if (!expr || outType.isDynamicDim(dim))
      continue;
    unsigned loop = expr.getPosition();
    bool useful = false;
    for (OpOperand *input : op.getDpsInputOperands()) {
      unsigned index = input->getOperandNumber();
      AffineMap map = maps[index];
      for (unsigned k = 0; k < map.getNumResults(); ++k) {
        auto inputExpr = dyn_cast<AffineDimExpr>(map.getResult(k));
        if (!inputExpr || inputExpr.getPosition() != loop)
          continue;
        if (constants[index] ||
            operands[index].getAxis() == static_cast<int64_t>(k))
          useful = true;
      }
    }
    if (!useful)
      continue;
    outputAxis = dim;
    channelLoop = loop;
    channelCount = outType.getDimSize(dim);
    return;
  }
}

Interval LinalgRangeRule::operandRange(unsigned index,
                                       std::optional<int64_t> channel) {
  const TensorRange &range = operands[index];
  if (!channel || index >= maps.size())
    return range.getWhole();
  AffineMap map = maps[index];
  for (unsigned k = 0; k < map.getNumResults(); ++k) {
    auto expr = dyn_cast<AffineDimExpr>(map.getResult(k));
    if (!expr || expr.getPosition() != channelLoop)
      continue;
    if (ElementsAttr constant = constants[index]) {
      auto [it, inserted] = constantChannels.try_emplace(index);
      if (inserted)
        it->second = getElementsRangePerAxis(constant, k);
      return it->second[*channel];
    }
    if (range.getAxis() == static_cast<int64_t>(k))
      return range.getChannel(k, *channel);
  }
  return range.getWhole();
}

std::optional<std::string> LinalgRangeRule::firstUnknownOperandReason() {
  for (const TensorRange &range : operands)
    if (!range.isFinite() && !range.getWhole().isEmpty())
      return range.getReason().str();
  return std::nullopt;
}

/// Matches a body `yield(out + lhs * rhs)` and returns the two factors.
static std::optional<std::pair<BlockArgument, BlockArgument>>
matchMultiplyAccumulate(Block &body, BlockArgument out) {
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getNumOperands() != 1)
    return std::nullopt;
  auto addOp = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!addOp)
    return std::nullopt;
  Value term = addOp.getLhs() == out   ? addOp.getRhs()
               : addOp.getRhs() == out ? addOp.getLhs()
                                       : Value();
  auto mulOp = term ? term.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mulOp)
    return std::nullopt;
  auto lhs = dyn_cast<BlockArgument>(mulOp.getLhs());
  auto rhs = dyn_cast<BlockArgument>(mulOp.getRhs());
  if (!lhs || !rhs || lhs.getOwner() != &body || rhs.getOwner() != &body)
    return std::nullopt;
  return std::make_pair(lhs, rhs);
}

std::optional<TensorRange>
LinalgRangeRule::contractExactly(unsigned resultIndex) {
  Block *body = op.getBlock();
  unsigned numInputs = op.getNumDpsInputs();
  BlockArgument out = body->getArgument(numInputs + resultIndex);
  auto factors = matchMultiplyAccumulate(*body, out);
  if (!factors)
    return std::nullopt;
  unsigned a = factors->first.getArgNumber(),
           b = factors->second.getArgNumber();
  if (a >= numInputs || b >= numInputs || a == b)
    return std::nullopt;
  // One constant weight operand, one variable operand.
  unsigned weight = constants[a] ? a : b, data = constants[a] ? b : a;
  if (!constants[weight] || constants[data])
    return std::nullopt;
  const TensorRange &dataRange = operands[data];
  if (!dataRange.isFinite())
    return std::nullopt;
  SmallVector<double> weights = getElementsAsDoubles(constants[weight]);
  auto weightType = dyn_cast<ShapedType>(constants[weight].getType());
  if (weights.empty() || !weightType || !weightType.hasStaticShape())
    return std::nullopt;

  // Loops to enumerate: the channel, every other loop the weights depend on,
  // and every reduction loop.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  AffineMap weightMap = maps[weight], dataMap = maps[data];
  SmallVector<unsigned> outerLoops, reductionLoops;
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop) {
    bool isReduction = iterators[loop] == utils::IteratorType::reduction;
    bool inWeights = weightMap.isFunctionOfDim(loop);
    if (isReduction)
      reductionLoops.push_back(loop);
    else if (inWeights || (outputAxis && loop == channelLoop))
      outerLoops.push_back(loop);
  }
  uint64_t steps = 1, terms = 1;
  for (unsigned loop : llvm::concat<unsigned>(outerLoops, reductionLoops)) {
    if (ShapedType::isDynamic(loopSizes[loop]))
      return std::nullopt;
    steps *= static_cast<uint64_t>(loopSizes[loop]);
    if (steps > kMaxContractionSteps)
      return std::nullopt;
  }
  for (unsigned loop : reductionLoops)
    terms *= static_cast<uint64_t>(loopSizes[loop]);

  // The data's per-channel ranges help when its channel axis is indexed by
  // one enumerated loop.
  std::optional<unsigned> dataChannelLoop;
  if (std::optional<int64_t> axis = dataRange.getAxis())
    if (auto expr = dyn_cast<AffineDimExpr>(dataMap.getResult(*axis)))
      if (llvm::is_contained(outerLoops, expr.getPosition()) ||
          llvm::is_contained(reductionLoops, expr.getPosition()))
        dataChannelLoop = expr.getPosition();

  SmallVector<int64_t> strides(weightType.getRank(), 1);
  for (int64_t dim = weightType.getRank() - 2; dim >= 0; --dim)
    strides[dim] = strides[dim + 1] * weightType.getDimSize(dim + 1);

  // Weight coordinates are loop indices when the map is a projection.
  SmallVector<unsigned> weightDims;
  for (AffineExpr expr : weightMap.getResults()) {
    auto dimExpr = dyn_cast<AffineDimExpr>(expr);
    if (!dimExpr) {
      weightDims.clear();
      break;
    }
    weightDims.push_back(dimExpr.getPosition());
  }

  int64_t channels = outputAxis ? channelCount : 1;
  SmallVector<Interval> results(channels, Interval::empty());
  double largestMagnitude = 0;
  // Per channel: whether every term has a fixed sign.
  SmallVector<bool> nonNegative(channels, true), nonPositive(channels, true);
  SmallVector<int64_t> point(op.getNumLoops(), 0);
  // Odometer over the outer loops, then over the reduction loops.
  auto advance = [&](ArrayRef<unsigned> loops) {
    for (int i = static_cast<int>(loops.size()) - 1; i >= 0; --i) {
      if (++point[loops[i]] < loopSizes[loops[i]])
        return true;
      point[loops[i]] = 0;
    }
    return false;
  };
  do {
    double lo = 0, hi = 0, magnitude = 0;
    bool termsNonNegative = true, termsNonPositive = true;
    for (unsigned loop : reductionLoops)
      point[loop] = 0;
    do {
      int64_t offset = 0;
      if (weightDims.empty()) {
        SmallVector<int64_t> coordinates = weightMap.compose(point);
        for (auto [coordinate, stride] : llvm::zip(coordinates, strides))
          offset += coordinate * stride;
      } else {
        for (auto [dim, stride] : llvm::zip(weightDims, strides))
          offset += point[dim] * stride;
      }
      double w = weights[offset];
      if (w == 0)
        continue;
      Interval x = dataRange.getWhole();
      if (dataChannelLoop)
        x = dataRange.getChannel(*dataRange.getAxis(), point[*dataChannelLoop]);
      double p = w * x.getLo(), q = w * x.getHi();
      lo += std::min(p, q);
      hi += std::max(p, q);
      termsNonNegative &= std::min(p, q) >= 0;
      termsNonPositive &= std::max(p, q) <= 0;
      magnitude += std::fabs(w) * x.magnitude();
    } while (advance(reductionLoops));
    int64_t channel = outputAxis ? point[channelLoop] : 0;
    results[channel] = results[channel].join(Interval(lo, hi));
    nonNegative[channel] = nonNegative[channel] && termsNonNegative;
    nonPositive[channel] = nonPositive[channel] && termsNonPositive;
    largestMagnitude = std::max(largestMagnitude, magnitude);
  } while (advance(outerLoops));

  // Add the initial value and the rounding of the products and sums.
  Type elementType = getElementTypeOrSelf(op->getResult(resultIndex).getType());
  double gamma = sumErrorFactor(terms + 1, getUnitRoundoff(elementType));
  SmallVector<Interval> finals;
  for (int64_t channel = 0; channel < channels; ++channel) {
    Interval init = operandRange(numInputs + resultIndex,
                                 outputAxis ? std::optional<int64_t>(channel)
                                            : std::nullopt);
    std::optional<Interval> sum = add(results[channel], init);
    if (!sum)
      return std::nullopt;
    double error = gamma * (largestMagnitude + init.magnitude());
    finals.push_back(widenSum(*sum, error,
                              nonNegative[channel] && init.getLo() >= 0,
                              nonPositive[channel] && init.getHi() <= 0));
  }
  if (outputAxis)
    return TensorRange::perChannel(*outputAxis, finals);
  return TensorRange(finals.front());
}

ScalarRange LinalgRangeRule::evaluateValue(Value value,
                                           DenseMap<Value, Interval> &known) {
  if (auto it = known.find(value); it != known.end())
    return ScalarRange::of(it->second);
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != op.getBlock()) {
    // A value captured from outside the body: constants are fine.
    Attribute attr;
    if (def && matchPattern(value, m_Constant(&attr)))
      if (auto typed = dyn_cast<FloatAttr>(attr))
        return ScalarRange::of(Interval::point(typed.getValueAsDouble()));
    return ScalarRange::unknown("linalg body reads a value defined outside it");
  }
  if (auto index = dyn_cast<linalg::IndexOp>(def)) {
    int64_t size = loopSizes[index.getDim()];
    if (ShapedType::isDynamic(size))
      return ScalarRange::unknown("linalg.index over a dynamic dimension");
    Interval interval(0.0, static_cast<double>(size - 1));
    known[value] = interval;
    return ScalarRange::of(interval);
  }
  if (!hasScalarRule(def))
    return ScalarRange::unknown(("no range rule for '" +
                                 def->getName().getStringRef() +
                                 "' in a linalg body")
                                    .str());
  SmallVector<Interval> inputs;
  for (Value operand : def->getOperands()) {
    ScalarRange range = evaluateValue(operand, known);
    if (!range.reason.empty())
      return range;
    inputs.push_back(range.interval);
  }
  ScalarRange result = evaluateScalarOp(def, inputs);
  if (result.reason.empty())
    known[value] = result.interval;
  return result;
}

ScalarRange LinalgRangeRule::reduce(unsigned resultIndex,
                                    DenseMap<Value, Interval> &seed) {
  Block *body = op.getBlock();
  BlockArgument out = body->getArgument(op.getNumDpsInputs() + resultIndex);
  Value yielded = body->getTerminator()->getOperand(resultIndex);
  bool hasReduction = op.getNumReductionLoops() > 0;

  // The term combined with the accumulator, if the yield is a reduction.
  Operation *combine = yielded.getDefiningOp();
  Value term;
  if (hasReduction && combine && combine->getNumOperands() == 2 &&
      isa<arith::AddFOp, arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
          arith::MinNumFOp>(combine)) {
    if (combine->getOperand(0) == out)
      term = combine->getOperand(1);
    else if (combine->getOperand(1) == out)
      term = combine->getOperand(0);
  }
  Value evaluated = term ? term : yielded;

  // Which block arguments the evaluated value depends on.
  SmallVector<BlockArgument> used;
  bool usesOut = false;
  SmallVector<Value> worklist{evaluated};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() == body) {
        if (arg == out)
          usesOut = true;
        used.push_back(arg);
      }
      continue;
    }
    if (Operation *def = value.getDefiningOp())
      if (def->getBlock() == body)
        llvm::append_range(worklist, def->getOperands());
  }
  if (hasReduction && usesOut)
    return ScalarRange::unknown("linalg reduction body not recognized "
                                "(expected out + f, max or min)");

  // Evaluate the term, on a subdivision of its one varying input if any.
  SmallVector<BlockArgument> varying;
  for (BlockArgument arg : used)
    if (seed[arg].getLo() != seed[arg].getHi())
      varying.push_back(arg);
  ScalarRange value = ScalarRange::of(Interval::empty());
  if (varying.size() == 1 && seed[varying.front()].isFinite() &&
      evaluated != varying.front()) {
    Interval whole = seed[varying.front()];
    double width = (whole.getHi() - whole.getLo()) / kSubdivisions;
    for (int piece = 0; piece < kSubdivisions; ++piece) {
      DenseMap<Value, Interval> known = seed;
      double lo = whole.getLo() + piece * width;
      double hi = piece + 1 == kSubdivisions ? whole.getHi() : lo + width;
      known[varying.front()] = Interval(lo, hi);
      ScalarRange part = evaluateValue(evaluated, known);
      if (!part.reason.empty())
        return part;
      value.interval = value.interval.join(part.interval);
    }
  } else {
    DenseMap<Value, Interval> known = seed;
    value = evaluateValue(evaluated, known);
    if (!value.reason.empty())
      return value;
  }
  if (!term)
    return value;

  // Closed forms of the reductions over the reduction loops.
  uint64_t count = 1;
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop) {
    if (op.getIteratorTypesArray()[loop] != utils::IteratorType::reduction)
      continue;
    if (ShapedType::isDynamic(loopSizes[loop]))
      return ScalarRange::unknown("reduction over a dynamic dimension");
    count *= static_cast<uint64_t>(loopSizes[loop]);
  }
  Interval init = seed[out];
  if (isa<arith::AddFOp>(combine)) {
    std::optional<Interval> total = repeatAdd(value.interval, count);
    std::optional<Interval> sum = total ? add(*total, init) : std::nullopt;
    if (!sum)
      return ScalarRange::unknown("sum of infinities (NaN)");
    Type type = out.getType();
    double error = sumErrorFactor(count, getUnitRoundoff(type)) *
                   (value.interval.magnitude() * count + init.magnitude());
    return ScalarRange::of(
        widenSum(*sum, error, value.interval.getLo() >= 0 && init.getLo() >= 0,
                 value.interval.getHi() <= 0 && init.getHi() <= 0));
  }
  if (count == 0)
    return ScalarRange::of(init);
  // maxnumf and minnumf skip NaN: a NaN initial value (an empty range, as
  // linalg.softmax's max reduction starts from) leaves the terms' range.
  if (isa<arith::MaxNumFOp, arith::MinNumFOp>(combine)) {
    if (init.isEmpty())
      return value;
    if (value.interval.isEmpty())
      return ScalarRange::of(init);
  }
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine))
    return ScalarRange::of(max(init, value.interval));
  return ScalarRange::of(min(init, value.interval));
}

ScalarRange LinalgRangeRule::evaluateBody(unsigned resultIndex,
                                          std::optional<int64_t> channel) {
  DenseMap<Value, Interval> seed;
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    seed[arg] = operandRange(operand.getOperandNumber(), channel);
  }
  return reduce(resultIndex, seed);
}

TensorRange LinalgRangeRule::compute(unsigned resultIndex) {
  chooseChannel(resultIndex);
  if (std::optional<TensorRange> exact = contractExactly(resultIndex))
    return *exact;
  auto evaluate = [&](std::optional<int64_t> channel) -> ScalarRange {
    return evaluateBody(resultIndex, channel);
  };
  auto lost = [&](const ScalarRange &range) {
    std::optional<std::string> cause = firstUnknownOperandReason();
    return TensorRange::unknown(cause ? *cause : range.reason);
  };
  if (!outputAxis) {
    ScalarRange range = evaluate(std::nullopt);
    if (!range.reason.empty())
      return lost(range);
    return TensorRange(range.interval)
        .withReason(firstUnknownOperandReason().value_or(""));
  }
  SmallVector<Interval> channels;
  for (int64_t channel = 0; channel < channelCount; ++channel) {
    ScalarRange range = evaluate(channel);
    if (!range.reason.empty())
      return lost(range);
    channels.push_back(range.interval);
  }
  return TensorRange::perChannel(*outputAxis, channels)
      .withReason(firstUnknownOperandReason().value_or(""));
}

} // namespace

std::optional<RangeResults>
mlir::qfhe::inferLinalgRanges(Operation *op, ArrayRef<TensorRange> operands) {
  if (isa<linalg::SoftmaxOp>(op))
    return RangeResults{TensorRange(Interval(0.0, 1.0))};
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  RangeResults results;
  for (unsigned index = 0; index < op->getNumResults(); ++index)
    results.push_back(LinalgRangeRule(linalgOp, operands).compute(index));
  return results;
}
