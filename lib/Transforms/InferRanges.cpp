//===- InferRanges.cpp - the qfhe-infer-ranges pass -----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Analysis/ModuleRanges.h"
#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_INFERRANGES
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Whether the values of `type` are reals (a float or a tensor of floats).
bool isReal(Type type) { return isa<FloatType>(getElementTypeOrSelf(type)); }

/// Whether `op` is a program-level op worth annotating: it computes reals
/// and is not part of another op's body or a constant.
bool shouldAnnotate(Operation *op) {
  if (isa<arith::ConstantOp, tensor::EmptyOp>(op) ||
      op->getParentOfType<linalg::LinalgOp>() ||
      op->getParentOfType<tensor::PadOp>())
    return false;
  return llvm::any_of(op->getResultTypes(), isReal);
}

/// Checks that `observed` lies inside `inferred`; reports through `emit`.
LogicalResult checkInside(const TensorRange &observed,
                          const TensorRange &inferred,
                          function_ref<InFlightDiagnostic()> emit) {
  if (!inferred.getWhole().contains(observed.getWhole()))
    return emit() << "observed range " << observed.getWhole().str()
                  << " is not inside the inferred range "
                  << inferred.getWhole().str();
  std::optional<int64_t> axis = observed.getAxis();
  if (!axis)
    return success();
  for (auto [channel, range] : llvm::enumerate(observed.getChannels())) {
    Interval bound = inferred.getChannel(*axis, channel);
    if (!bound.contains(range))
      return emit() << "observed range " << range.str() << " of channel "
                    << channel << " along axis " << *axis
                    << " is not inside the inferred range " << bound.str();
  }
  return success();
}

struct InferRangesPass : qfhe::impl::InferRangesBase<InferRangesPass> {
  using InferRangesBase::InferRangesBase;

  void runOnOperation() override {
    // Without calibration ranges this is the analysis later passes use:
    // shared through the AnalysisManager (attributes do not change it).
    std::optional<RangeSolver> own;
    const RangeSolver *shared = nullptr;
    if (useObserved) {
      RangeAnalysisOptions options;
      options.useObserved = true;
      own.emplace(options);
      if (failed(own->run(getOperation())))
        return signalPassFailure();
    } else {
      ModuleRanges &ranges = getAnalysis<ModuleRanges>();
      if (!ranges.succeeded())
        return signalPassFailure();
      shared = &ranges.getSolver();
      markAnalysesPreserved<ModuleRanges>();
    }
    const RangeSolver &solver = shared ? *shared : *own;
    MLIRContext *ctx = &getContext();
    bool failedCheck = false;

    getOperation().walk([&](FunctionOpInterface function) {
      if (function.isExternal())
        return;
      for (BlockArgument argument : function.getArguments()) {
        if (!isReal(argument.getType()))
          continue;
        TensorRange range = solver.getRange(argument);
        function.setArgAttr(argument.getArgNumber(), kInferredRangeAttr,
                            range.toAttribute(ctx));
        if (!checkObserved)
          continue;
        if (std::optional<TensorRange> observed = getObservedRange(argument))
          failedCheck |= failed(checkInside(*observed, range, [&] {
            return function.emitError()
                   << "argument #" << argument.getArgNumber() << ": ";
          }));
      }
    });

    getOperation().walk([&](Operation *op) {
      if (!shouldAnnotate(op))
        return;
      SmallVector<Attribute> perResult;
      for (OpResult result : op->getResults()) {
        if (!isReal(result.getType())) {
          perResult.push_back(DictionaryAttr::get(ctx));
          continue;
        }
        TensorRange range = solver.getRange(result);
        perResult.push_back(range.toAttribute(ctx));
        if (!checkObserved)
          continue;
        if (std::optional<TensorRange> observed = getObservedRange(result))
          failedCheck |= failed(checkInside(*observed, range, [&] {
            return op->emitError()
                   << "result #" << result.getResultNumber() << ": ";
          }));
      }
      op->setAttr(kInferredRangeAttr, ArrayAttr::get(ctx, perResult));
    });
    if (failedCheck)
      signalPassFailure();
  }
};

} // namespace
