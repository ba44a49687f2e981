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

/// Whether `type` is a tensor of f32 (what the function boundary of a qfhe
/// program holds).
bool isF32Tensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

/// Whether `type` is a tensor of floats other than f32.
bool isOtherFloatTensor(Type type) {
  auto tensor = dyn_cast<TensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType()) &&
         !tensor.getElementType().isF32();
}

/// Checks that the functions compute on f32 tensors: their arguments and
/// results are ranked f32 tensors, and no value in between is a tensor of
/// another float type (f16, bf16, f64). The quantizer computes scales and
/// tables in f32 arithmetic.
LogicalResult checkElementTypes(ModuleOp module) {
  constexpr StringLiteral advice =
      "; qfhe compiles programs on float32 tensors (convert the model to "
      "float32 first)";
  WalkResult result = module.walk([&](func::FuncOp func) {
    if (func.isExternal())
      return WalkResult::advance();
    for (BlockArgument argument : func.getArguments())
      if (!isF32Tensor(argument.getType())) {
        emitError(argument.getLoc())
            << "argument #" << argument.getArgNumber() << " of @"
            << func.getSymName() << " has type " << argument.getType()
            << advice;
        return WalkResult::interrupt();
      }
    for (auto [index, type] : llvm::enumerate(func.getResultTypes()))
      if (!isF32Tensor(type)) {
        emitError(func.getLoc())
            << "result #" << index << " of @" << func.getSymName()
            << " has type " << type << advice;
        return WalkResult::interrupt();
      }
    WalkResult inner = func.walk([&](Operation *op) {
      for (Value value : op->getResults())
        if (isOtherFloatTensor(value.getType())) {
          emitError(op->getLoc()) << "'" << op->getName() << "' computes "
                                  << value.getType() << advice;
          return WalkResult::interrupt();
        }
      return WalkResult::advance();
    });
    return inner;
  });
  return failure(result.wasInterrupted());
}

struct NormalizePass : qfhe::impl::NormalizeBase<NormalizePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkElementTypes(module)))
      return signalPassFailure();
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
