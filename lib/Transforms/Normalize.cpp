//===- Normalize.cpp - the qfhe-normalize pass ----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "NormalizeFrontEnd.h"
#include "NormalizeLayout.h"
#include "qfhe/Pipelines/LowerToLLVM.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_NORMALIZE
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// Whether a named linalg op becomes a linalg.generic: elementwise ops (all
/// loops parallel, all maps projected permutations; not fills, transposes,
/// broadcasts) and linalg.reduce (tosa.reduce_sum lowers to it), but not
/// contractions, convolutions or pooling.
bool isGeneralized(linalg::LinalgOp op) {
  if (isa<linalg::GenericOp>(op) || !op.hasPureTensorSemantics())
    return false;
  if (isa<linalg::ReduceOp>(op))
    return true;
  if (isa<linalg::FillOp, linalg::TransposeOp, linalg::BroadcastOp>(op))
    return false;
  return op.getNumReductionLoops() == 0 && op.hasOnlyProjectedPermutations();
}

struct NormalizePass : qfhe::impl::NormalizeBase<NormalizePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpPassManager pm(ModuleOp::getOperationName());
    qfhe::buildTensorFrontEndPipeline(pm);
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();
    if (failed(qfhe::normalizeFrontEndForms(module)))
      return signalPassFailure();

    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> named;
    module.walk([&](linalg::LinalgOp op) {
      if (isGeneralized(op))
        named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op)))
        return signalPassFailure();
    }
    if (failed(qfhe::normalizeChannelsFirst(module)))
      return signalPassFailure();

    OpPassManager cleanup(ModuleOp::getOperationName());
    cleanup.addPass(createCanonicalizerPass());
    if (failed(runPipeline(cleanup, module)))
      return signalPassFailure();
  }
};

} // namespace
