//===- DecomposeAggregates.cpp - linalg.softmax and kin into generics -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATES
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// MLIR 22 decomposes linalg.softmax into generics typed like its input but
/// writing into its output: when the two types differ (`?x4` against `4x4`,
/// compatible, as the canonicalizer makes them), the generics do not
/// verify. Casting the input to the output's type first keeps them valid.
/// (Found by fuzzing: qfhe-fuzz-mlir.)
void matchInputToOutput(RewriterBase &rewriter, linalg::SoftmaxOp softmax) {
  Type outputType = softmax.getOutput().getType();
  if (softmax.getInput().getType() == outputType)
    return;
  Value cast = tensor::CastOp::create(rewriter, softmax.getLoc(), outputType,
                                      softmax.getInput());
  rewriter.modifyOpInPlace(softmax,
                           [&] { softmax.getInputMutable().assign(cast); });
}

/// Whether the results of `op` only reach the function's results, through
/// reshapes and elementwise ops of one tensor (a log after the softmax:
/// LogSoftmax): what the client computes on the decrypted outputs.
bool onlyFeedsOutputs(Operation *op) {
  return llvm::all_of(op->getUsers(), [](Operation *user) {
    if (isa<func::ReturnOp>(user))
      return true;
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp>(
            user))
      return onlyFeedsOutputs(user);
    auto generic = dyn_cast<linalg::GenericOp>(user);
    return generic && generic.getNumDpsInputs() == 1 &&
           generic.getNumReductionLoops() == 0 && onlyFeedsOutputs(generic);
  });
}

struct DecomposeAggregatesPass
    : qfhe::impl::DecomposeAggregatesBase<DecomposeAggregatesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation()->walk([&](linalg::AggregatedOpInterface op) {
      if (!(keepOutputs && isa<linalg::SoftmaxOp>(op.getOperation()) &&
            onlyFeedsOutputs(op)))
        aggregates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op.getOperation()))
        matchInputToOutput(rewriter, softmax);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts)) {
        op->emitError() << "cannot decompose '" << op->getName() << "'";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *parts);
    }
  }
};

} // namespace
