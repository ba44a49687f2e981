//===- BitWidthCheck.cpp - the checks of qfhe-verify-bitwidth -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Runs the circuit analysis on each function, then walks its ops in order
// and applies each op's rule to the final facts: an op that touches
// encrypted data without an exact rule is rejected, every encrypted result
// must fit its type and the cap, every lookup input the lookup cap, every
// comparison's differences the cap. The records make the report.
//
//===----------------------------------------------------------------------===//

#include "CircuitRules.h"
#include "qfhe/Analysis/BitWidthReport.h"
#include "qfhe/Dialect/QFHE/IR/QFHEAttrs.h"
#include "qfhe/Support/FheCost.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qfhe;

std::string mlir::qfhe::formatLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

double BitWidthReport::getEstimatedCost() const {
  double cost = 0;
  for (const FunctionBitWidthReport &function : functions)
    for (const BootstrapOpRecord &record : function.bootstraps)
      cost += static_cast<double>(record.perSample) *
              getBootstrapCost(record.inputBits);
  return cost;
}

const EncryptedValueRecord *BitWidthReport::getWidest() const {
  const EncryptedValueRecord *widest = nullptr;
  for (const FunctionBitWidthReport &function : functions)
    if (function.widest &&
        (!widest || function.values[*function.widest].bits > widest->bits))
      widest = &function.values[*function.widest];
  return widest;
}

namespace {

/// The module attribute qfhe-allocate-bits writes (kAllocationSummaryAttr
/// in qfhe/Transforms/Passes.h, docs/attributes.md).
constexpr StringLiteral kAllocationSummaryAttrName = "qfhe.allocation_summary";

std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "'" << getElementTypeOrSelf(type) << "'";
  return text;
}

/// Checks one function and fills its report.
class FunctionChecker {
public:
  FunctionChecker(func::FuncOp func, const VerifyOptions &options,
                  BitWidthReport &report, FunctionBitWidthReport &result)
      : func(func), options(options), report(report), result(result) {}

  void run();

private:
  const CircuitFact *lookup(Value value) const { return solver.lookup(value); }
  void fail(Operation *op, Location loc, const Twine &message);
  void checkArguments();
  void checkOp(Operation *op);
  void checkBootstrap(Operation *op, const Bootstrap &bootstrap);
  /// Records an encrypted value; returns its bits.
  unsigned record(Operation *op, std::string name, Location loc,
                  const CircuitFact &fact, Type type);
  bool exceedsCap(Value value) const { return overCap.contains(value); }

  func::FuncOp func;
  const VerifyOptions &options;
  BitWidthReport &report;
  FunctionBitWidthReport &result;
  CircuitSolver solver;
  /// Encrypted values already reported over the cap.
  DenseSet<Value> overCap;
};

void FunctionChecker::fail(Operation *op, Location loc, const Twine &message) {
  std::string text = message.str();
  result.proven = false;
  report.proven = false;
  report.violations.push_back({loc, text});
  if (options.emitDiagnostics) {
    if (op)
      op->emitError() << text;
    else
      emitError(loc) << text;
  }
}

unsigned FunctionChecker::record(Operation *op, std::string name, Location loc,
                                 const CircuitFact &fact, Type type) {
  IntegerType integer = getIntegerElementType(type);
  EncryptedValueRecord value(op, std::move(name), loc);
  value.range = fact.getWhole();
  value.bits = getBitsNeeded(value.range, integer && integer.isUnsigned());
  if (fact.getAxis()) {
    value.axis = fact.getAxis();
    value.channels.assign(fact.getRanges().begin(), fact.getRanges().end());
  }
  value.modular = !fact.getModularOffsets().empty();
  if (!result.widest || value.bits > result.values[*result.widest].bits)
    result.widest = result.values.size();
  result.values.push_back(std::move(value));
  return result.values.back().bits;
}

void FunctionChecker::checkArguments() {
  for (BlockArgument argument : func.getArguments()) {
    std::string error;
    getDeclaredIntegerRange(argument, &error);
    if (!error.empty()) {
      fail(func, func.getLoc(), error);
      continue;
    }
    const CircuitFact *fact = lookup(argument);
    if (!fact || !fact->isEncrypted())
      continue;
    std::string name = "argument #" + std::to_string(argument.getArgNumber());
    if (!fact->hasRanges()) {
      fail(func, func.getLoc(),
           "cannot verify: encrypted " + name + " of type " +
               typeText(argument.getType()) +
               " has no integer range (at most 64-bit integers)");
      continue;
    }
    unsigned bits =
        record(nullptr, name, func.getLoc(), *fact, argument.getType());
    if (bits > options.maxBitWidth) {
      overCap.insert(argument);
      fail(func, func.getLoc(),
           "encrypted " + name + " needs " + Twine(bits) + " bits (range " +
               formatRange(fact->getWhole()) + ") but max-bit-width is " +
               Twine(options.maxBitWidth) +
               "; declare a narrower range (qfhe.range) or mark it clear "
               "(qfhe.clear)");
    }
  }
}

void FunctionChecker::checkBootstrap(Operation *op,
                                     const Bootstrap &bootstrap) {
  BootstrapSummary &summary = bootstrap.kind == Bootstrap::Kind::Rounding
                                  ? result.roundings
                                  : result.lookups;
  ++summary.ops;
  summary.perSample += bootstrap.perSample;
  result.bootstraps.emplace_back(
      bootstrap.kind, op->getName().getStringRef().str(), op->getLoc(),
      bootstrap.inputBits, bootstrap.perSample);
  summary.perSampleByInputBits[bootstrap.inputBits] += bootstrap.perSample;
  unsigned tlu =
      options.tluBitWidth ? options.tluBitWidth : options.maxBitWidth;
  if (bootstrap.kind == Bootstrap::Kind::Lookup && bootstrap.inputBits > tlu)
    fail(op, op->getLoc(),
         "table lookup on a " + Twine(bootstrap.inputBits) +
             "-bit input but tlu-bit-width is " + Twine(tlu));
  if (bootstrap.kind == Bootstrap::Kind::Comparison &&
      bootstrap.inputBits > options.maxBitWidth)
    fail(op, op->getLoc(),
         "max pooling compares values of range " +
             formatRange(*bootstrap.compared) + ": their differences need " +
             Twine(bootstrap.inputBits) + " bits but max-bit-width is " +
             Twine(options.maxBitWidth));
}

void FunctionChecker::checkOp(Operation *op) {
  auto facts = [&](Value value) { return lookup(value); };
  // The analysis's last outcome is the rule's on the final facts; an op it
  // never saw complete (nothing is proven of it) is asked again here.
  RuleOutcome computed;
  const RuleOutcome *last = solver.getLastOutcome(op);
  if (!last)
    computed = applyCircuitRules(op, facts);
  const RuleOutcome &outcome = last ? *last : computed;
  bool touches = touchesEncryptedData(op, facts);
  if (outcome.incomplete) {
    // Every value of live code has a fact once the analysis has run: this
    // would be a value the analysis skipped, and nothing is proven of it.
    fail(op, op->getLoc(),
         "cannot verify: the analysis derived no range for an operand of '" +
             op->getName().getStringRef() + "'");
    return;
  }
  if (!outcome.recognized) {
    if (!touches)
      return;
    if (!outcome.rejection.empty())
      fail(op, op->getLoc(), outcome.rejection);
    else
      fail(op, op->getLoc(),
           "cannot verify: '" + op->getName().getStringRef() +
               "' computes on encrypted values but is not an integer circuit "
               "op (linear algebra, qfhe.lut, qfhe.round, data movement)");
    return;
  }
  for (const Bootstrap &bootstrap : outcome.bootstraps)
    checkBootstrap(op, bootstrap);
  bool operandOverCap = llvm::any_of(
      op->getOperands(), [&](Value operand) { return exceedsCap(operand); });
  for (auto [index, value] : llvm::enumerate(op->getResults())) {
    const CircuitFact *fact = lookup(value);
    if (!fact) {
      fail(op, op->getLoc(),
           "cannot verify: the analysis derived no range for the result of '" +
               op->getName().getStringRef() + "'");
      continue;
    }
    if (!fact->isEncrypted())
      continue;
    if (!fact->hasRanges()) {
      fail(op, op->getLoc(),
           "cannot verify: encrypted result of type " +
               typeText(value.getType()) +
               " has no integer range (at most 64-bit integers)");
      continue;
    }
    if (std::optional<WideRange> overflow = outcome.overflows[index]) {
      // The first value that does not fit explains those computed from it.
      bool fromEarlierOverflow = llvm::any_of(op->getOperands(), [&](Value v) {
        const CircuitFact *operand = lookup(v);
        return operand && operand->isFromOverflow();
      });
      if (!fromEarlierOverflow) {
        std::optional<IntegerRange> narrowed = toIntegerRange(*overflow);
        std::string bits = narrowed
                               ? std::to_string(getSignedBitWidth(*narrowed))
                               : "more than 64";
        fail(op, op->getLoc(),
             "proven range " + formatRange(*overflow) +
                 " does not fit the result type " + typeText(value.getType()) +
                 " (" + bits + " bits needed)");
      }
      continue;
    }
    unsigned bits = record(op, op->getName().getStringRef().str(), op->getLoc(),
                           *fact, value.getType());
    if (bits <= options.maxBitWidth)
      continue;
    overCap.insert(value);
    // A value over the cap is reported once, not again where it only
    // moves, nor where it derives from a value that overflowed its type.
    if ((outcome.movesData && operandOverCap) || fact->isFromOverflow())
      continue;
    fail(op, op->getLoc(),
         "encrypted result needs " + Twine(bits) + " bits (proven range " +
             formatRange(fact->getWhole()) + ") but max-bit-width is " +
             Twine(options.maxBitWidth));
  }
}

void FunctionChecker::run() {
  if (failed(solver.run(func))) {
    fail(func, func.getLoc(), "cannot verify: the range analysis failed");
    return;
  }
  checkArguments();
  func.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    // Dead code never runs.
    if (!solver.isLive(op->getBlock()))
      return WalkResult::skip();
    checkOp(op);
    // An op's rule covers its regions (a linalg body, a padding value), or
    // rejects them.
    return op->getNumRegions() ? WalkResult::skip() : WalkResult::advance();
  });
}

} // namespace

BitWidthReport mlir::qfhe::verifyBitWidth(ModuleOp module,
                                          const VerifyOptions &options) {
  BitWidthReport report;
  report.maxBitWidth = options.maxBitWidth;
  report.tluBitWidth =
      options.tluBitWidth ? options.tluBitWidth : options.maxBitWidth;
  if (auto summary = module->getAttrOfType<AllocationSummaryAttr>(
          kAllocationSummaryAttrName))
    report.allocation = summary.toDictionary();
  module.walk([&](func::FuncOp func) {
    if (func.isExternal())
      return;
    report.functions.emplace_back();
    FunctionBitWidthReport &result = report.functions.back();
    result.name = func.getSymName().str();
    FunctionChecker(func, options, report, result).run();
  });
  return report;
}
