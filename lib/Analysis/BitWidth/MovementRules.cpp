//===- MovementRules.cpp - tensor ops that move elements ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Every element of a result is an element of an operand (or a clear
// padding value): the ranges move with the elements, per index along an
// axis where the op keeps track of which index an element came from.
// Linalg's data movement (broadcast, transpose, copy, fill) goes through the
// structured rule (LinalgRules.cpp), which reads indexing maps.
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Per-index ranges are kept for at most this many indices.
constexpr int64_t kMaxIndices = int64_t(1) << 20;

/// A recognized movement result.
RuleOutcome moved(CircuitFact fact) {
  RuleOutcome outcome = RuleOutcome::of({std::move(fact)});
  outcome.movesData = true;
  return outcome;
}

/// The fact `source` gives a result of `type` whose elements are its
/// elements, without knowing where they go: one range for all.
CircuitFact wholeOf(const CircuitFact &source) {
  if (!source.hasRanges())
    return CircuitFact::withoutRanges(source.isEncrypted());
  return CircuitFact::of(source.isEncrypted(), source.getWhole());
}

/// `fact` with every range joined with `extra`.
CircuitFact joinEach(const CircuitFact &fact, IntegerRange extra,
                     bool encrypted) {
  SmallVector<IntegerRange> ranges;
  for (const IntegerRange &range : fact.getRanges())
    ranges.push_back(range.join(extra));
  return CircuitFact::perIndex(fact.isEncrypted() || encrypted, fact.getAxis(),
                               ranges);
}

/// The fact of a value whose indices along `dim` (of static `size`) come
/// from the per-index ranges of `source` along its axis by `channelOf(i)`.
CircuitFact remapped(const CircuitFact &source, int64_t dim, int64_t size,
                     function_ref<int64_t(int64_t)> channelOf) {
  if (ShapedType::isDynamic(size) || size > kMaxIndices)
    return wholeOf(source);
  SmallVector<IntegerRange> ranges;
  auto channels = static_cast<int64_t>(source.getRanges().size());
  for (int64_t i = 0; i < size; ++i) {
    int64_t channel = channelOf(i);
    // An index the source does not have (an op whose static shapes are
    // inconsistent) is not placed.
    if (channel < 0 || channel >= channels)
      return wholeOf(source);
    ranges.push_back(source.getRanges()[channel]);
  }
  return CircuitFact::perIndex(source.isEncrypted(), dim, ranges);
}

RuleOutcome collapse(tensor::CollapseShapeOp op, const CircuitFact &source) {
  if (!source.getAxis())
    return moved(source);
  int64_t axis = *source.getAxis();
  ArrayRef<int64_t> shape = op.getSrcType().getShape();
  for (auto [group, dims] : llvm::enumerate(op.getReassociationIndices())) {
    if (!llvm::is_contained(dims, axis))
      continue;
    // Index i along the collapsed dimension is channel (i / inner) % size
    // with inner the product of the sizes after the axis in the group.
    int64_t inner = 1, total = 1;
    for (int64_t dim : dims) {
      if (ShapedType::isDynamic(shape[dim]))
        return moved(wholeOf(source));
      total *= shape[dim];
      if (dim > axis)
        inner *= shape[dim];
    }
    int64_t size = shape[axis];
    return moved(remapped(source, group, total,
                          [&](int64_t i) { return (i / inner) % size; }));
  }
  return moved(wholeOf(source));
}

RuleOutcome expand(tensor::ExpandShapeOp op, const CircuitFact &source) {
  if (!source.getAxis())
    return moved(source);
  int64_t axis = *source.getAxis();
  ArrayRef<int64_t> shape = op.getResultType().getShape();
  SmallVector<ReassociationIndices> groups = op.getReassociationIndices();
  ArrayRef<int64_t> dims = groups[axis];
  // The first dimension of the group with more than one index carries the
  // channels: index j of it holds source channels [j * inner, (j+1) *
  // inner) with inner the product of the sizes after it.
  for (auto [position, dim] : llvm::enumerate(dims)) {
    if (shape[dim] == 1)
      continue;
    int64_t inner = 1;
    for (int64_t later : dims.drop_front(position + 1)) {
      if (ShapedType::isDynamic(shape[later]))
        return moved(wholeOf(source));
      inner *= shape[later];
    }
    if (ShapedType::isDynamic(shape[dim]) || shape[dim] > kMaxIndices)
      return moved(wholeOf(source));
    SmallVector<IntegerRange> ranges;
    for (int64_t j = 0; j < shape[dim]; ++j) {
      IntegerRange range = source.getRanges()[j * inner];
      for (int64_t c = j * inner; c < (j + 1) * inner; ++c)
        range = range.join(source.getRanges()[c]);
      ranges.push_back(range);
    }
    return moved(CircuitFact::perIndex(source.isEncrypted(), dim, ranges));
  }
  return moved(wholeOf(source));
}

RuleOutcome extractSlice(tensor::ExtractSliceOp op, const CircuitFact &source) {
  if (!source.getAxis())
    return moved(source);
  int64_t axis = *source.getAxis();
  llvm::SmallBitVector dropped = op.getDroppedDims();
  int64_t offset = op.getStaticOffsets()[axis];
  int64_t size = op.getStaticSizes()[axis];
  int64_t stride = op.getStaticStrides()[axis];
  if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
      ShapedType::isDynamic(stride))
    return moved(wholeOf(source));
  int64_t newAxis = axis;
  for (int64_t dim = 0; dim < axis; ++dim)
    if (dropped.test(dim))
      --newAxis;
  if (dropped.test(axis)) {
    if (offset < 0 || offset >= static_cast<int64_t>(source.getRanges().size()))
      return moved(wholeOf(source));
    return moved(
        CircuitFact::of(source.isEncrypted(), source.getRanges()[offset]));
  }
  return moved(remapped(source, newAxis, size,
                        [&](int64_t i) { return offset + i * stride; }));
}

RuleOutcome concat(tensor::ConcatOp op, FactLookup facts) {
  int64_t dim = static_cast<int64_t>(op.getDim());
  bool encrypted = false;
  SmallVector<const CircuitFact *> inputs;
  for (Value input : op.getInputs()) {
    inputs.push_back(facts(input));
    encrypted |= inputs.back()->isEncrypted();
    if (!inputs.back()->hasRanges())
      return moved(CircuitFact::withoutRanges(encrypted));
  }
  // Along the concatenated dimension: the inputs' indices one after the
  // other.
  SmallVector<IntegerRange> along;
  bool alongKnown = true;
  for (auto [input, fact] : llvm::zip(op.getInputs(), inputs)) {
    int64_t size = cast<ShapedType>(input.getType()).getDimSize(dim);
    bool perIndex = fact->getAxis() == dim;
    if (ShapedType::isDynamic(size) || (!perIndex && fact->getAxis()) ||
        static_cast<int64_t>(along.size()) + size > kMaxIndices) {
      alongKnown = false;
      break;
    }
    for (int64_t i = 0; i < size; ++i)
      along.push_back(perIndex ? fact->getRanges()[i] : fact->getWhole());
  }
  if (alongKnown)
    return moved(CircuitFact::perIndex(encrypted, dim, along));
  // Along another axis all inputs share: join index by index.
  std::optional<int64_t> axis = inputs.front()->getAxis();
  size_t count = inputs.front()->getRanges().size();
  if (axis && llvm::all_of(inputs, [&](const CircuitFact *fact) {
        return fact->getAxis() == axis && fact->getRanges().size() == count;
      })) {
    SmallVector<IntegerRange> ranges(inputs.front()->getRanges());
    for (const CircuitFact *fact : inputs)
      for (auto [range, other] : llvm::zip(ranges, fact->getRanges()))
        range = range.join(other);
    return moved(CircuitFact::perIndex(encrypted, axis, ranges));
  }
  IntegerRange whole = inputs.front()->getWhole();
  for (const CircuitFact *fact : inputs)
    whole = whole.join(fact->getWhole());
  return moved(CircuitFact::of(encrypted, whole));
}

RuleOutcome pad(tensor::PadOp op, FactLookup facts) {
  const CircuitFact &source = *facts(op.getSource());
  Value padValue = op.getConstantPaddingValue();
  if (!padValue)
    return RuleOutcome::unrecognized(
        op, source.isEncrypted(),
        "cannot verify: 'tensor.pad' pads encrypted values with values that "
        "depend on the position");
  if (!source.hasRanges())
    return moved(CircuitFact::withoutRanges(source.isEncrypted()));
  // The padding value is constant: defined in the body or used from above.
  std::optional<IntegerRange> padRange;
  bool padEncrypted = false;
  if (std::optional<SmallVector<int64_t>> constant =
          readConstantIntegers(padValue))
    padRange = IntegerRange{constant->front(), constant->front()};
  else if (const CircuitFact *fact = facts(padValue);
           fact && fact->hasRanges()) {
    padRange = fact->getWhole();
    padEncrypted = fact->isEncrypted();
  }
  if (!padRange)
    return RuleOutcome::unrecognized(
        op, source.isEncrypted() || padEncrypted,
        "cannot verify: 'tensor.pad' pads with a value of unknown range");
  bool encrypted = source.isEncrypted() || padEncrypted;
  std::optional<int64_t> axis = source.getAxis();
  if (!axis)
    return moved(joinEach(source, *padRange, padEncrypted));
  ArrayRef<int64_t> low = op.getStaticLow(), high = op.getStaticHigh();
  // Channels along the axis receive the padding value when another
  // dimension is padded.
  bool otherPadded = false;
  for (int64_t dim = 0, rank = low.size(); dim < rank; ++dim)
    if (dim != *axis && (low[dim] != 0 || high[dim] != 0))
      otherPadded = true;
  // Negative padding crops: the indices move, so one range for all.
  if (ShapedType::isDynamic(low[*axis]) || ShapedType::isDynamic(high[*axis]) ||
      low[*axis] < 0 || high[*axis] < 0 ||
      low[*axis] + high[*axis] +
              static_cast<int64_t>(source.getRanges().size()) >
          kMaxIndices)
    return moved(CircuitFact::of(encrypted, source.getWhole().join(*padRange)));
  SmallVector<IntegerRange> ranges(low[*axis], *padRange);
  for (const IntegerRange &range : source.getRanges())
    ranges.push_back(otherPadded ? range.join(*padRange) : range);
  ranges.append(high[*axis], *padRange);
  return moved(CircuitFact::perIndex(encrypted, axis, ranges));
}

/// tensor.bitcast between integer types of one width reads the same bits
/// another way.
RuleOutcome bitcast(tensor::BitcastOp op, const CircuitFact &source) {
  IntegerType from = getIntegerElementType(op.getSource().getType());
  IntegerType to = getIntegerElementType(op.getType());
  if (!from || !to || from.getWidth() != to.getWidth() || !source.hasRanges()) {
    if (source.isEncrypted())
      return RuleOutcome::unrecognized(
          op, true,
          "cannot verify: 'tensor.bitcast' reinterprets encrypted integers as "
          "another kind of value");
    return moved(CircuitFact::ofType(op.getType(), false));
  }
  SmallVector<WideRange> ranges =
      rereadRanges(source, from.getWidth(), from.isUnsigned(), to.isUnsigned());
  RuleOutcome outcome =
      exactResult(op.getType(), source.isEncrypted(), source.getAxis(), ranges);
  outcome.movesData = true;
  return outcome;
}

RuleOutcome extract(tensor::ExtractOp op, const CircuitFact &source) {
  if (!source.hasRanges())
    return moved(CircuitFact::withoutRanges(source.isEncrypted()));
  if (std::optional<int64_t> axis = source.getAxis()) {
    APInt index;
    if (matchPattern(op.getIndices()[*axis], m_ConstantInt(&index)))
      return moved(CircuitFact::of(
          source.isEncrypted(), source.getRange(*axis, index.getSExtValue())));
  }
  return moved(wholeOf(source));
}

} // namespace

std::optional<RuleOutcome> mlir::qfhe::applyMovementRule(Operation *op,
                                                         FactLookup facts) {
  auto fact = [&](Value value) -> const CircuitFact & { return *facts(value); };
  auto join = [&](Value into, Value element) {
    const CircuitFact &dest = fact(into), &source = fact(element);
    if (!dest.hasRanges() || !source.hasRanges())
      return moved(CircuitFact::withoutRanges(dest.isEncrypted() ||
                                              source.isEncrypted()));
    return moved(joinEach(dest, source.getWhole(), source.isEncrypted()));
  };
  return llvm::TypeSwitch<Operation *, std::optional<RuleOutcome>>(op)
      .Case([&](tensor::CastOp cast) { return moved(fact(cast.getSource())); })
      .Case([&](tensor::BitcastOp cast) {
        return bitcast(cast, fact(cast.getSource()));
      })
      .Case([&](tensor::CollapseShapeOp collapseOp) {
        return collapse(collapseOp, fact(collapseOp.getSrc()));
      })
      .Case([&](tensor::ExpandShapeOp expandOp) {
        return expand(expandOp, fact(expandOp.getSrc()));
      })
      .Case([&](tensor::ReshapeOp reshape) {
        return moved(wholeOf(fact(reshape.getSource())));
      })
      .Case([&](tensor::ExtractSliceOp slice) {
        return extractSlice(slice, fact(slice.getSource()));
      })
      .Case([&](tensor::InsertSliceOp insert) {
        return join(insert.getDest(), insert.getSource());
      })
      .Case([&](tensor::ConcatOp concatOp) { return concat(concatOp, facts); })
      .Case([&](tensor::PadOp padOp) { return pad(padOp, facts); })
      .Case([&](tensor::ExtractOp extractOp) {
        return extract(extractOp, fact(extractOp.getTensor()));
      })
      .Case([&](tensor::InsertOp insert) {
        return join(insert.getDest(), insert.getScalar());
      })
      .Case([&](tensor::SplatOp splat) {
        return moved(wholeOf(fact(splat.getInput())));
      })
      .Case([&](tensor::FromElementsOp from) {
        bool encrypted = false;
        std::optional<IntegerRange> whole;
        for (Value element : from.getElements()) {
          const CircuitFact &f = fact(element);
          encrypted |= f.isEncrypted();
          if (!f.hasRanges())
            return moved(CircuitFact::withoutRanges(encrypted));
          whole = whole ? whole->join(f.getWhole()) : f.getWhole();
        }
        if (!whole)
          return moved(CircuitFact::ofType(from.getType(), false));
        return moved(CircuitFact::of(encrypted, *whole));
      })
      // Uninitialized contents: any value of the type.
      .Case([&](tensor::EmptyOp empty) {
        return moved(CircuitFact::ofType(empty.getType(), false));
      })
      .Case<tensor::DimOp, tensor::RankOp>([&](Operation *shapeOp) {
        return RuleOutcome::of({CircuitFact::withoutRanges(false)});
      })
      .Default([](Operation *) { return std::nullopt; });
}
