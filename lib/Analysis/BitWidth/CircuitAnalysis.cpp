//===- CircuitAnalysis.cpp - exact ranges of an integer circuit -----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/CircuitAnalysis.h"
#include "CircuitRules.h"

#include "mlir/Analysis/DataFlow/ConstantPropagationAnalysis.h"
#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// CircuitFact
//===----------------------------------------------------------------------===//

CircuitFact CircuitFact::withoutRanges(bool encrypted) {
  CircuitFact fact;
  fact.encrypted = encrypted;
  return fact;
}

CircuitFact CircuitFact::of(bool encrypted, IntegerRange range) {
  return perIndex(encrypted, std::nullopt, {range});
}

CircuitFact CircuitFact::perIndex(bool encrypted, std::optional<int64_t> axis,
                                  SmallVector<IntegerRange> ranges) {
  CircuitFact fact;
  fact.encrypted = encrypted;
  fact.axis = axis;
  fact.ranges.assign(ranges.begin(), ranges.end());
  fact.canonicalize();
  return fact;
}

CircuitFact CircuitFact::ofType(Type type, bool encrypted) {
  if (std::optional<IntegerRange> range = getIntegerTypeRange(type))
    return of(encrypted, *range);
  return withoutRanges(encrypted);
}

IntegerRange CircuitFact::getWhole() const {
  assert(hasRanges() && "fact without ranges");
  IntegerRange whole = ranges.front();
  for (const IntegerRange &range : ranges)
    whole = whole.join(range);
  return whole;
}

IntegerRange CircuitFact::getRange(int64_t dim, int64_t index) const {
  if (axis && *axis == dim && index >= 0 &&
      index < static_cast<int64_t>(ranges.size()))
    return ranges[index];
  return getWhole();
}

void CircuitFact::setModularOffsets(SmallVector<WideInt> modularOffsets) {
  offsets.clear();
  if (llvm::any_of(modularOffsets, [](WideInt offset) { return offset != 0; }))
    offsets.assign(modularOffsets.begin(), modularOffsets.end());
  canonicalize();
}

void CircuitFact::canonicalize() {
  if (ranges.size() <= 1) {
    axis.reset();
    return;
  }
  bool sameRanges = llvm::all_equal(ranges);
  bool sameOffsets = offsets.empty() || llvm::all_equal(offsets);
  if (!sameRanges || !sameOffsets)
    return;
  ranges.resize(1);
  if (!offsets.empty())
    offsets.resize(1);
  axis.reset();
}

bool CircuitFact::isSubsumedBy(const CircuitFact &other) const {
  if (encrypted && !other.encrypted)
    return false;
  if (fromOverflow && !other.fromOverflow)
    return false;
  if (hasRanges() != other.hasRanges())
    return false;
  if (!hasRanges())
    return true;
  if (offsets != other.offsets)
    return false;
  auto inside = [](IntegerRange inner, IntegerRange outer) {
    return outer.min <= inner.min && inner.max <= outer.max;
  };
  if (other.ranges.size() == 1)
    return inside(getWhole(), other.ranges.front());
  if (axis != other.axis || ranges.size() != other.ranges.size()) {
    IntegerRange whole = getWhole();
    return llvm::all_of(
        other.ranges, [&](IntegerRange outer) { return inside(whole, outer); });
  }
  for (auto [inner, outer] : llvm::zip(ranges, other.ranges))
    if (!inside(inner, outer))
      return false;
  return true;
}

bool CircuitFact::operator==(const CircuitFact &other) const {
  return encrypted == other.encrypted && fromOverflow == other.fromOverflow &&
         axis == other.axis && ranges == other.ranges &&
         offsets == other.offsets;
}

void CircuitFact::print(raw_ostream &os) const {
  os << (encrypted ? "encrypted" : "clear");
  if (!hasRanges())
    return;
  os << " " << formatRange(getWhole());
  if (axis) {
    os << " along " << *axis << ":";
    for (const IntegerRange &range : ranges)
      os << " " << formatRange(range);
  }
  if (!offsets.empty())
    os << " (modular)";
  if (fromOverflow)
    os << " (from overflow)";
}

//===----------------------------------------------------------------------===//
// CircuitLattice
//===----------------------------------------------------------------------===//

ChangeResult CircuitLattice::join(const AbstractSparseLattice &rhs) {
  const auto &other = static_cast<const CircuitLattice &>(rhs);
  if (other.isUninitialized())
    return ChangeResult::NoChange;
  return join(other.getFact());
}

ChangeResult CircuitLattice::join(const CircuitFact &incoming) {
  if (!fact) {
    fact = incoming;
    return ChangeResult::Change;
  }
  if (incoming.isSubsumedBy(*fact))
    return ChangeResult::NoChange;
  // Two different facts meet: widen to the type at once (a loop would
  // otherwise grow a range one iteration at a time).
  CircuitFact widened = CircuitFact::ofType(
      getAnchor().getType(), fact->isEncrypted() || incoming.isEncrypted());
  widened.setFromOverflow(fact->isFromOverflow() || incoming.isFromOverflow());
  if (widened == *fact)
    return ChangeResult::NoChange;
  fact = widened;
  return ChangeResult::Change;
}

void CircuitLattice::print(raw_ostream &os) const {
  if (!fact)
    os << "<uninitialized>";
  else
    fact->print(os);
}

//===----------------------------------------------------------------------===//
// Entry state
//===----------------------------------------------------------------------===//

/// Whether values of `type` hold integers (integer scalars, tensors,
/// vectors or memrefs of integers).
static bool holdsIntegers(Type type) {
  return isa<IntegerType>(getElementTypeOrSelf(type));
}

/// The function whose entry block `argument` belongs to, if any.
static FunctionOpInterface getEntryFunction(BlockArgument argument) {
  Block *block = argument.getOwner();
  auto function = dyn_cast_or_null<FunctionOpInterface>(block->getParentOp());
  if (!function || function.isExternal() ||
      &function.getFunctionBody().front() != block)
    return {};
  return function;
}

std::optional<IntegerRange>
mlir::qfhe::getDeclaredIntegerRange(BlockArgument argument,
                                    std::string *error) {
  FunctionOpInterface function = getEntryFunction(argument);
  // On float arguments qfhe.range declares the reals of the float program.
  if (!function || !holdsIntegers(argument.getType()))
    return std::nullopt;
  Attribute attr = function.getArgAttr(argument.getArgNumber(), "qfhe.range");
  if (!attr)
    return std::nullopt;
  auto fail = [&](const Twine &why) -> std::optional<IntegerRange> {
    if (error)
      *error = ("qfhe.range of argument #" + Twine(argument.getArgNumber()) +
                " " + why)
                   .str();
    return std::nullopt;
  };
  std::optional<IntegerRange> type = getIntegerTypeRange(argument.getType());
  if (!type)
    return fail("is on an argument without integers of at most 64 bits");
  SmallVector<int64_t, 2> bounds;
  if (auto ints = dyn_cast<DenseI64ArrayAttr>(attr)) {
    bounds.assign(ints.asArrayRef().begin(), ints.asArrayRef().end());
  } else if (auto reals = dyn_cast<DenseF64ArrayAttr>(attr)) {
    for (double bound : reals.asArrayRef()) {
      if (!std::isfinite(bound) || std::floor(bound) != bound ||
          std::fabs(bound) > 9.0e18)
        return fail("must have integral bounds on an integer argument");
      bounds.push_back(static_cast<int64_t>(bound));
    }
  } else {
    return fail("must be array<i64: lo, hi> on an integer argument");
  }
  if (bounds.size() != 2)
    return fail("must have two bounds");
  IntegerRange range{bounds[0], bounds[1]};
  if (range.min > range.max)
    return fail("has its bounds in the wrong order");
  if (range.min < type->min || range.max > type->max)
    return fail(formatRange(range) + " leaves the range " + formatRange(*type) +
                " of its type");
  return range;
}

CircuitFact mlir::qfhe::getEntryFact(Value value) {
  bool integers = holdsIntegers(value.getType());
  auto argument = dyn_cast<BlockArgument>(value);
  FunctionOpInterface function =
      argument ? getEntryFunction(argument) : FunctionOpInterface();
  if (!function || !integers)
    return CircuitFact::ofType(value.getType(), integers);
  bool clear = function.getArgAttr(argument.getArgNumber(),
                                   kClearArgumentAttr) != nullptr;
  if (std::optional<IntegerRange> declared = getDeclaredIntegerRange(argument))
    return CircuitFact::of(!clear, *declared);
  return CircuitFact::ofType(value.getType(), !clear);
}

//===----------------------------------------------------------------------===//
// CircuitAnalysis
//===----------------------------------------------------------------------===//

void CircuitAnalysis::setToEntryState(CircuitLattice *lattice) {
  propagateIfChanged(lattice,
                     lattice->join(getEntryFact(lattice->getAnchor())));
}

LogicalResult
CircuitAnalysis::visitOperation(Operation *op,
                                ArrayRef<const CircuitLattice *> operands,
                                ArrayRef<CircuitLattice *> results) {
  // Values the op's regions use from above are inputs too: revisit the op
  // when they change.
  DenseMap<Value, const CircuitLattice *> captured;
  if (op->getNumRegions()) {
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(op->getRegions(), above);
    for (Value value : above)
      captured[value] = getLatticeElementFor(getProgramPointAfter(op), value);
  }
  auto lookup = [&](Value value) -> const CircuitFact * {
    const CircuitLattice *lattice = nullptr;
    for (auto [operand, operandLattice] :
         llvm::zip(op->getOperands(), operands))
      if (operand == value)
        lattice = operandLattice;
    if (!lattice) {
      auto it = captured.find(value);
      // Another value a rule reads (a padding value defined in the op's
      // body): its fact as the checker reads it, and a visit again when it
      // grows, so that the outcome kept for the checker is the one the
      // checker would compute.
      lattice = it != captured.end()
                    ? it->second
                    : getLatticeElementFor(getProgramPointAfter(op), value);
    }
    return lattice->isUninitialized() ? nullptr : &lattice->getFact();
  };
  RuleOutcome outcome = applyCircuitRules(op, lookup);
  if (outcome.incomplete)
    return success();
  for (auto [lattice, fact] : llvm::zip(results, outcome.results))
    propagateIfChanged(lattice, lattice->join(fact));
  lastOutcomes[op] = std::make_shared<const RuleOutcome>(std::move(outcome));
  return success();
}

const RuleOutcome *CircuitAnalysis::getLastOutcome(Operation *op) const {
  auto it = lastOutcomes.find(op);
  return it == lastOutcomes.end() ? nullptr : it->second.get();
}

//===----------------------------------------------------------------------===//
// CircuitSolver
//===----------------------------------------------------------------------===//

CircuitSolver::CircuitSolver()
    : solver(DataFlowConfig().setInterprocedural(false)) {
  solver.load<dataflow::DeadCodeAnalysis>();
  solver.load<dataflow::SparseConstantPropagation>();
  analysis = solver.load<CircuitAnalysis>();
}

LogicalResult CircuitSolver::run(Operation *function) {
  return solver.initializeAndRun(function);
}

const CircuitFact *CircuitSolver::lookup(Value value) const {
  const auto *lattice = solver.lookupState<CircuitLattice>(value);
  return lattice && !lattice->isUninitialized() ? &lattice->getFact() : nullptr;
}

const RuleOutcome *CircuitSolver::getLastOutcome(Operation *op) const {
  return analysis->getLastOutcome(op);
}

bool CircuitSolver::isLive(Block *block) const {
  const auto *executable = solver.lookupState<dataflow::Executable>(
      solver.getProgramPointBefore(block));
  return executable && executable->isLive();
}
