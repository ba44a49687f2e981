//===- RangeAnalysis.cpp - value-range inference --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/RangeAnalysis.h"
#include "RangeRules.h"

#include "mlir/Analysis/DataFlow/ConstantPropagationAnalysis.h"
#include "mlir/Analysis/DataFlow/DeadCodeAnalysis.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::qfhe;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// The function whose entry block `argument` belongs to, if any.
static FunctionOpInterface getEntryFunction(BlockArgument argument) {
  Block *block = argument.getOwner();
  auto function = dyn_cast_or_null<FunctionOpInterface>(block->getParentOp());
  if (!function || &function.getFunctionBody().front() != block)
    return {};
  return function;
}

std::optional<TensorRange>
mlir::qfhe::getDeclaredRange(BlockArgument argument) {
  FunctionOpInterface function = getEntryFunction(argument);
  if (!function)
    return std::nullopt;
  auto bounds = function.getArgAttrOfType<DenseF64ArrayAttr>(
      argument.getArgNumber(), kDeclaredRangeAttr);
  if (!bounds || bounds.size() != 2)
    return std::nullopt;
  return TensorRange(Interval(bounds[0], bounds[1]));
}

Attribute mlir::qfhe::getObservedAttr(Value value) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    FunctionOpInterface function = getEntryFunction(argument);
    if (!function)
      return {};
    return function.getArgAttr(argument.getArgNumber(), kObservedRangeAttr);
  }
  auto result = cast<OpResult>(value);
  auto perResult =
      result.getOwner()->getAttrOfType<ArrayAttr>(kObservedRangeAttr);
  if (!perResult || result.getResultNumber() >= perResult.size())
    return {};
  return perResult[result.getResultNumber()];
}

std::optional<TensorRange> mlir::qfhe::getObservedRange(Value value) {
  return TensorRange::fromAttribute(getObservedAttr(value));
}

//===----------------------------------------------------------------------===//
// Lattice
//===----------------------------------------------------------------------===//

RangeLatticeValue RangeLatticeValue::join(const RangeLatticeValue &lhs,
                                          const RangeLatticeValue &rhs) {
  if (lhs.isUninitialized())
    return rhs;
  if (rhs.isUninitialized())
    return lhs;
  return RangeLatticeValue(lhs.getRange().join(rhs.getRange()));
}

bool RangeLatticeValue::operator==(const RangeLatticeValue &other) const {
  return range == other.range;
}

void RangeLatticeValue::print(raw_ostream &os) const {
  if (isUninitialized())
    os << "<uninitialized>";
  else
    os << getRange();
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

RangeAnalysis::RangeAnalysis(DataFlowSolver &solver,
                             RangeAnalysisOptions options)
    : SparseForwardDataFlowAnalysis(solver), options(options) {}

void RangeAnalysis::setToEntryState(RangeLattice *lattice) {
  Value value = lattice->getAnchor();
  TensorRange range = TensorRange::unknown("unknown value");
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    std::optional<TensorRange> observed;
    if (options.useObserved)
      observed = getObservedRange(argument);
    if (observed)
      range = *observed;
    else if (std::optional<TensorRange> declared = getDeclaredRange(argument))
      range = *declared;
    else if (getEntryFunction(argument) && getObservedRange(argument))
      range = TensorRange::unknown(
          ("function argument #" + Twine(argument.getArgNumber()) +
           " has no declared range (qfhe.range), and this analysis does not "
           "use calibration ranges (qfhe.observed)")
              .str());
    else if (getEntryFunction(argument))
      range = TensorRange::unknown(
          ("function argument #" + Twine(argument.getArgNumber()) +
           " has no declared range (qfhe.range) or calibration")
              .str());
    else
      range = TensorRange::unknown("block argument");
  }
  propagateIfChanged(lattice, lattice->join(RangeLatticeValue(range)));
}

LogicalResult
RangeAnalysis::visitOperation(Operation *op,
                              ArrayRef<const RangeLattice *> operands,
                              ArrayRef<RangeLattice *> results) {
  auto update = [&](ArrayRef<TensorRange> ranges) {
    for (auto [lattice, range] : llvm::zip(results, ranges))
      propagateIfChanged(lattice, lattice->join(RangeLatticeValue(range)));
  };
  if (options.useObserved) {
    SmallVector<TensorRange> observed;
    for (Value result : op->getResults())
      if (std::optional<TensorRange> range = getObservedRange(result))
        observed.push_back(*range);
    if (observed.size() == op->getNumResults() && !observed.empty()) {
      update(observed);
      return success();
    }
  }

  SmallVector<TensorRange> inputs;
  for (const RangeLattice *operand : operands) {
    if (operand->getValue().isUninitialized())
      inputs.push_back(TensorRange());
    else
      inputs.push_back(operand->getValue().getRange());
  }
  std::optional<RangeResults> ranges;
  if (!(ranges = inferLinalgRanges(op, inputs)) &&
      !(ranges = inferTensorOpRanges(op, inputs)) &&
      !(ranges = inferTosaRanges(op, inputs)))
    ranges = inferElementwiseRanges(op, inputs);
  if (!ranges) {
    ranges = RangeResults();
    for (unsigned i = 0; i < op->getNumResults(); ++i)
      ranges->push_back(TensorRange::unknown(
          ("no range rule for '" + op->getName().getStringRef() + "'").str()));
  }
  update(*ranges);
  return success();
}

//===----------------------------------------------------------------------===//
// Solver
//===----------------------------------------------------------------------===//

RangeSolver::RangeSolver(RangeAnalysisOptions options) {
  solver.load<dataflow::DeadCodeAnalysis>();
  solver.load<dataflow::SparseConstantPropagation>();
  solver.load<RangeAnalysis>(options);
}

LogicalResult RangeSolver::run(Operation *root) {
  return solver.initializeAndRun(root);
}

TensorRange RangeSolver::getRange(Value value) const {
  const RangeLattice *lattice = solver.lookupState<RangeLattice>(value);
  if (!lattice || lattice->getValue().isUninitialized())
    return TensorRange::unknown("not reached by the range analysis");
  return lattice->getValue().getRange();
}
