//===- CircuitRules.cpp - dispatch and shared helpers of the rules --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The order of the families, the rules of constants and of clear
// computations, and the pessimistic rule: an op no family recognises gets
// the whole range of its result types, encrypted when it touches encrypted
// data (and the checker rejects it).
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// RuleOutcome
//===----------------------------------------------------------------------===//

RuleOutcome RuleOutcome::waiting() {
  RuleOutcome outcome;
  outcome.incomplete = true;
  return outcome;
}

RuleOutcome RuleOutcome::unrecognized(Operation *op, bool encrypted,
                                      std::string rejection) {
  RuleOutcome outcome;
  outcome.rejection = std::move(rejection);
  for (Value result : op->getResults()) {
    bool holdsIntegers = isa<IntegerType>(getElementTypeOrSelf(result));
    outcome.results.push_back(
        CircuitFact::ofType(result.getType(), encrypted && holdsIntegers));
  }
  outcome.overflows.resize(op->getNumResults());
  return outcome;
}

RuleOutcome RuleOutcome::of(SmallVector<CircuitFact, 1> facts) {
  RuleOutcome outcome;
  outcome.recognized = true;
  outcome.overflows.resize(facts.size());
  outcome.results = std::move(facts);
  return outcome;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

IntegerType mlir::qfhe::getIntegerElementType(Type type) {
  return dyn_cast<IntegerType>(getElementTypeOrSelf(type));
}

std::optional<IntegerRange> mlir::qfhe::getIntegerTypeRange(Type type) {
  IntegerType integer = getIntegerElementType(type);
  if (!integer)
    return std::nullopt;
  return getTypeRange(integer.getWidth(), integer.isUnsigned());
}

SmallVector<WideRange> mlir::qfhe::rereadRanges(const CircuitFact &fact,
                                                unsigned width,
                                                bool fromUnsigned,
                                                bool toUnsigned) {
  SmallVector<WideRange> ranges;
  for (const IntegerRange &range : fact.getRanges()) {
    WideRange reading = WideRange::of(range);
    if (fromUnsigned && !toUnsigned)
      reading = toSignedReading(reading, width);
    else if (!fromUnsigned && toUnsigned)
      reading = toUnsignedReading(reading, width);
    ranges.push_back(reading);
  }
  return ranges;
}

std::optional<SmallVector<int64_t>>
mlir::qfhe::readConstantIntegers(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  IntegerType type = getIntegerElementType(value.getType());
  if (!type || !getTypeRange(type.getWidth(), type.isUnsigned()))
    return std::nullopt;
  auto read = [&](const APInt &v) {
    return type.isUnsigned() ? static_cast<int64_t>(v.getZExtValue())
                             : v.getSExtValue();
  };
  SmallVector<int64_t> values;
  if (auto scalar = dyn_cast<IntegerAttr>(attr)) {
    values.push_back(read(scalar.getValue()));
    return values;
  }
  auto dense = dyn_cast<DenseIntElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  return readRawIntegers(dense);
}

int64_t mlir::qfhe::getElementsPerSample(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 1;
  if (!shaped.hasRank())
    return -1;
  int64_t count = 1;
  for (auto [dim, size] : llvm::enumerate(shaped.getShape())) {
    if (ShapedType::isDynamic(size)) {
      if (dim == 0)
        continue;
      return -1;
    }
    count *= size;
  }
  return count;
}

/// Narrows exact ranges that fit `type` into a fact; std::nullopt (and the
/// worst range in `overflow`) when one does not.
static std::optional<CircuitFact> toFact(Type type, bool encrypted,
                                         std::optional<int64_t> axis,
                                         ArrayRef<WideRange> held,
                                         std::optional<WideRange> &overflow) {
  std::optional<IntegerRange> typeRange = getIntegerTypeRange(type);
  assert(typeRange && "result without integer ranges");
  SmallVector<IntegerRange> ranges;
  for (const WideRange &range : held) {
    bool fits = range.min >= typeRange->min && range.max <= typeRange->max;
    if (!fits) {
      // Report the range that needs the most bits.
      auto width = [](WideRange r) {
        std::optional<IntegerRange> narrowed = toIntegerRange(r);
        return narrowed ? getSignedBitWidth(*narrowed) : 128u;
      };
      if (!overflow || width(range) > width(*overflow))
        overflow = range;
      continue;
    }
    ranges.push_back(
        {static_cast<int64_t>(range.min), static_cast<int64_t>(range.max)});
  }
  if (overflow)
    return std::nullopt;
  return CircuitFact::perIndex(encrypted, axis, std::move(ranges));
}

/// The outcome of a result that overflowed its type.
static RuleOutcome overflowed(Type type, bool encrypted, WideRange worst) {
  CircuitFact fact = CircuitFact::ofType(type, encrypted);
  fact.setFromOverflow();
  RuleOutcome outcome = RuleOutcome::of({fact});
  outcome.overflows[0] = worst;
  return outcome;
}

RuleOutcome mlir::qfhe::placeLinearResult(Type type, bool encrypted,
                                          std::optional<int64_t> axis,
                                          ArrayRef<WideRange> exact) {
  IntegerType integer = getIntegerElementType(type);
  SmallVector<WideRange> held;
  SmallVector<WideInt> offsets;
  for (const WideRange &range : exact) {
    ModularPlacement placement =
        placeInType(range, integer.getWidth(), integer.isUnsigned());
    // A range that cannot be placed is reported as its representative
    // nearest the type.
    held.push_back(placement.held);
    offsets.push_back(placement.fits ? placement.offset : 0);
  }
  std::optional<WideRange> overflow;
  std::optional<CircuitFact> fact =
      toFact(type, encrypted, axis, held, overflow);
  if (!fact)
    return overflowed(type, encrypted, *overflow);
  fact->setModularOffsets(std::move(offsets));
  return RuleOutcome::of({*fact});
}

RuleOutcome mlir::qfhe::exactResult(Type type, bool encrypted,
                                    std::optional<int64_t> axis,
                                    ArrayRef<WideRange> exact) {
  std::optional<WideRange> overflow;
  std::optional<CircuitFact> fact =
      toFact(type, encrypted, axis, exact, overflow);
  if (!fact)
    return overflowed(type, encrypted, *overflow);
  return RuleOutcome::of({*fact});
}

//===----------------------------------------------------------------------===//
// Constants and clear computations
//===----------------------------------------------------------------------===//

/// Constants: their exact values, per element for vectors of values.
static std::optional<RuleOutcome> applyConstantRule(Operation *op) {
  if (op->getNumResults() != 1 || !op->hasTrait<OpTrait::ConstantLike>())
    return std::nullopt;
  Value result = op->getResult(0);
  auto shaped = dyn_cast<ShapedType>(result.getType());
  // Other than vectors of values, only the least and the greatest element
  // count: read in one pass over the storage, not copied (weights).
  DenseIntElementsAttr dense;
  IntegerType element = getIntegerElementType(result.getType());
  if (shaped && shaped.hasRank() && shaped.getRank() != 1 &&
      matchPattern(result, m_Constant(&dense)) && element &&
      getTypeRange(element.getWidth(), element.isUnsigned()) &&
      dense.getNumElements() > 0) {
    auto [lo, hi] = RawIntegers(dense).getMinMax(0, dense.getNumElements());
    return RuleOutcome::of({CircuitFact::of(false, {lo, hi})});
  }
  std::optional<SmallVector<int64_t>> values = readConstantIntegers(result);
  if (!values)
    return RuleOutcome::of({CircuitFact::ofType(result.getType(), false)});
  if (values->empty())
    return RuleOutcome::of({CircuitFact::ofType(result.getType(), false)});
  if (shaped && shaped.getRank() == 1 && values->size() > 1) {
    SmallVector<IntegerRange> ranges;
    for (int64_t v : *values)
      ranges.push_back({v, v});
    return RuleOutcome::of({CircuitFact::perIndex(false, 0, ranges)});
  }
  auto [lo, hi] = std::minmax_element(values->begin(), values->end());
  return RuleOutcome::of({CircuitFact::of(false, {*lo, *hi})});
}

/// Clear computations: upstream's integer range inference where the op
/// has it, else the type's range.
static RuleOutcome applyClearRule(Operation *op, FactLookup facts) {
  RuleOutcome outcome = RuleOutcome::of({});
  for (Value result : op->getResults())
    outcome.results.push_back(CircuitFact::ofType(result.getType(), false));
  outcome.overflows.resize(op->getNumResults());
  auto inferring = dyn_cast<InferIntRangeInterface>(op);
  if (!inferring || op->getNumRegions())
    return outcome;
  SmallVector<IntegerValueRange> arguments;
  for (Value operand : op->getOperands()) {
    const CircuitFact *fact = facts(operand);
    IntegerType type = getIntegerElementType(operand.getType());
    if (!type || !fact || !fact->hasRanges()) {
      arguments.push_back(IntegerValueRange::getMaxRange(operand));
      continue;
    }
    IntegerRange whole = fact->getWhole();
    unsigned width = type.getWidth();
    APInt lo(width, static_cast<uint64_t>(whole.min), !type.isUnsigned());
    APInt hi(width, static_cast<uint64_t>(whole.max), !type.isUnsigned());
    arguments.push_back(IntegerValueRange(
        type.isUnsigned() ? ConstantIntRanges::fromUnsigned(lo, hi)
                          : ConstantIntRanges::fromSigned(lo, hi)));
  }
  inferring.inferResultRangesFromOptional(
      arguments, [&](Value result, const IntegerValueRange &range) {
        auto opResult = dyn_cast<OpResult>(result);
        IntegerType type = getIntegerElementType(result.getType());
        if (!opResult || opResult.getOwner() != op || !type ||
            range.isUninitialized() ||
            !getTypeRange(type.getWidth(), type.isUnsigned()))
          return;
        const ConstantIntRanges &ranges = range.getValue();
        IntegerRange bounds =
            type.isUnsigned() ? IntegerRange{static_cast<int64_t>(
                                                 ranges.umin().getZExtValue()),
                                             static_cast<int64_t>(
                                                 ranges.umax().getZExtValue())}
                              : IntegerRange{ranges.smin().getSExtValue(),
                                             ranges.smax().getSExtValue()};
        outcome.results[opResult.getResultNumber()] =
            CircuitFact::of(false, bounds);
      });
  return outcome;
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

/// Values `op`'s regions use from above.
static SmallVector<Value> getCapturedValues(Operation *op) {
  llvm::SetVector<Value> above;
  if (op->getNumRegions())
    getUsedValuesDefinedAbove(op->getRegions(), above);
  return SmallVector<Value>(above.begin(), above.end());
}

bool mlir::qfhe::touchesEncryptedData(Operation *op, FactLookup facts) {
  auto encrypted = [&](Value value) {
    const CircuitFact *fact = facts(value);
    return fact && fact->isEncrypted();
  };
  if (llvm::any_of(op->getOperands(), encrypted) ||
      llvm::any_of(op->getResults(), encrypted) ||
      llvm::any_of(getCapturedValues(op), encrypted))
    return true;
  bool inside = false;
  for (Region &region : op->getRegions())
    region.walk([&](Operation *nested) {
      inside |= llvm::any_of(nested->getResults(), encrypted);
      for (Region &nestedRegion : nested->getRegions())
        for (Block &block : nestedRegion)
          inside |= llvm::any_of(block.getArguments(), encrypted);
    });
  for (Region &region : op->getRegions())
    for (Block &block : region)
      inside |= llvm::any_of(block.getArguments(), encrypted);
  return inside;
}

RuleOutcome mlir::qfhe::applyCircuitRules(Operation *op, FactLookup facts) {
  SmallVector<Value> captured = getCapturedValues(op);
  bool encryptedInput = false, fromOverflow = false;
  for (Value value : llvm::concat<Value>(op->getOperands(), captured)) {
    const CircuitFact *fact = facts(value);
    if (!fact)
      return RuleOutcome::waiting();
    encryptedInput |= fact->isEncrypted();
    fromOverflow |= fact->isEncrypted() && fact->isFromOverflow();
  }

  std::optional<RuleOutcome> outcome;
  if (!(outcome = applyClientBoundaryRule(op, facts)) &&
      !(outcome = applyConstantRule(op)) &&
      !(outcome = applyIntegerOpRule(op, facts)) &&
      !(outcome = applyLinalgRule(op, facts)) &&
      !(outcome = applyMovementRule(op, facts))) {
    if (op->hasTrait<OpTrait::ReturnLike>() &&
        isa_and_nonnull<FunctionOpInterface>(op->getParentOp()))
      // Encrypted results go back to the client as they are.
      outcome = RuleOutcome::of({});
    else if (!encryptedInput && !op->getNumRegions())
      outcome = applyClearRule(op, facts);
    else
      // Ops with regions the families do not know: their results are
      // pessimistic (encrypted if they hold integers).
      outcome =
          RuleOutcome::unrecognized(op, encryptedInput || op->getNumRegions());
  }
  // A result computed from a value that overflowed is a consequence of it.
  if (fromOverflow)
    for (CircuitFact &fact : outcome->results)
      if (fact.isEncrypted())
        fact.setFromOverflow();
  return *outcome;
}
