//===- Normalize.cpp - the qfhe-normalize pass ----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "DecomposeTensorPairs.h"
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
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SetVector.h"

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

/// Whether `op` is an elementwise generic of one result that the
/// fusion below may fold into its users.
bool isFusableProducer(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  return generic && generic->getNumResults() == 1 &&
         generic.getNumReductionLoops() == 0 &&
         generic.hasPureTensorSemantics() &&
         generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
             .isIdentity() &&
         !generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0));
}

/// The tensor `value` is an elementwise function of: `value` traced back
/// through elementwise generics that read one tensor besides constants.
Value traceToRoot(Value value) {
  for (int depth = 0; depth < 64; ++depth) {
    Operation *producer = value.getDefiningOp();
    if (!isFusableProducer(producer))
      return value;
    Value source;
    for (Value input : cast<linalg::GenericOp>(producer).getDpsInputs()) {
      if (matchPattern(input, m_Constant()) || input == source)
        continue;
      if (source)
        return value;
      source = input;
    }
    if (!source)
      return value;
    value = source;
  }
  return value;
}

/// Whether `value` is produced by a constant op.
bool isConstantValue(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

/// The inputs of `op` that are tensors computed by the program (not
/// constants).
unsigned countTensorInputs(linalg::GenericOp op) {
  return llvm::count_if(op.getDpsInputs(), [](Value input) {
    return isa<RankedTensorType>(input.getType()) && !isConstantValue(input);
  });
}

/// Whether `op` only copies its one input through its map (the importer's
/// ONNX Expand: a broadcast).
bool isCopy(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return false;
  Block &body = *op.getBlock();
  return body.getOperations().size() == 1 &&
         body.getTerminator()->getOperand(0) == body.getArgument(0);
}

/// The elementwise generics of two or more tensors that read a copy (x /
/// expand(n)) read its input through the copy's map instead: the division
/// is then by n, whose reciprocal qfhe-normalize takes once per element of
/// n. (A function of one tensor keeps reading the copy, which becomes a
/// linalg.broadcast: the quantizer has no form for a table read through a
/// broadcast.)
struct ForwardCopies : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp copy,
                                PatternRewriter &rewriter) const override {
    if (!isCopy(copy))
      return failure();
    Value source = copy.getDpsInputs()[0];
    AffineMap sourceMap =
        copy.getMatchingIndexingMap(copy.getDpsInputOperand(0));
    bool changed = false;
    for (OpOperand &use :
         llvm::make_early_inc_range(copy->getResult(0).getUses())) {
      auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
      if (!user || !user.isDpsInput(&use) || user.getNumReductionLoops() != 0 ||
          user.getNumLoops() != copy.getNumLoops() ||
          !user.getMatchingIndexingMap(&use).isIdentity() ||
          countTensorInputs(user) < 2)
        continue;
      SmallVector<AffineMap> maps = user.getIndexingMapsArray();
      maps[use.getOperandNumber()] = sourceMap;
      rewriter.modifyOpInPlace(user, [&] {
        use.set(source);
        user.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
      changed = true;
    }
    return success(changed);
  }
};

/// An elementwise generic that reads a boolean tensor computed by an
/// elementwise generic (a comparison, its logic), or whose tensors are all
/// elementwise functions of one tensor, absorbs those producers: no boolean
/// tensor reaches the quantizer, and `torch.where(x > 0, x, 0.1 * x)` or
/// `x * sigmoid(x)` becomes one function of x (one table). A producer with
/// other users is copied for this one.
struct FuseFunctionsOfOneTensor : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || op.getNumReductionLoops() != 0 ||
        !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not elementwise");
    // The tensors the inputs are functions of: each input traced back
    // through elementwise generics of one tensor (and constants).
    llvm::SetVector<Value> roots;
    llvm::SetVector<Value> tensors;
    OpOperand *booleanOperand = nullptr, *producerOperand = nullptr;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      Value input = operand->get();
      if (matchPattern(input, m_Constant()))
        continue;
      tensors.insert(input);
      roots.insert(traceToRoot(input));
      if (!isFusableProducer(input.getDefiningOp()) ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      if (getElementTypeOrSelf(input.getType()).isInteger(1))
        booleanOperand = booleanOperand ? booleanOperand : operand;
      producerOperand = producerOperand ? producerOperand : operand;
    }
    OpOperand *fused = booleanOperand;
    if (!fused && tensors.size() >= 2 && roots.size() == 1)
      fused = producerOperand;
    if (!fused)
      return rewriter.notifyMatchFailure(op, "nothing to fuse");

    Operation *producer = fused->get().getDefiningOp();
    if (!producer->hasOneUse()) {
      rewriter.setInsertionPoint(producer);
      Operation *copy = rewriter.clone(*producer);
      rewriter.modifyOpInPlace(op, [&] { fused->set(copy->getResult(0)); });
      producer = copy;
    }
    FailureOr<linalg::ElementwiseOpFusionResult> result =
        linalg::fuseElementwiseOps(rewriter, fused);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "fusion failed");
    Value replacement = result->replacements.lookup(op->getResult(0));
    assert(replacement && "the fused op computes the consumer's result");
    rewriter.replaceOp(op, replacement);
    rewriter.eraseOp(producer);
    return success();
  }
};

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

/// In an elementwise generic of two or more tensors (x * y, x + y), reads
/// each broadcast tensor operand through a linalg.broadcast to the output's
/// shape (after collapsing the size-1 dimensions its map reads at 0), so
/// that the generic's maps are identities: the quantizer then sees
/// elementwise arithmetic of two tensors, and the broadcast is data
/// movement. Constant operands stay as they are (they are per-channel
/// constants of a function of one tensor).
LogicalResult materializeBroadcastOperands(linalg::GenericOp op,
                                           IRRewriter &rewriter) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0)
    return success();
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(init).isIdentity())
    return success();
  if (countTensorInputs(op) < 2 && !isCopy(op))
    return success();
  auto outputType = cast<RankedTensorType>(init->get().getType());
  unsigned loops = op.getNumLoops();
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (!type || isConstantValue(input->get()) || map.isIdentity())
      continue;
    // Each result reads a loop (in increasing order) or 0 on a size-1
    // dimension; anything else is not a broadcast.
    SmallVector<int64_t> keptLoops;
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices pending;
    bool isBroadcast = true;
    for (unsigned k = 0; k < map.getNumResults() && isBroadcast; ++k) {
      pending.push_back(k);
      if (auto dim = dyn_cast<AffineDimExpr>(map.getResult(k))) {
        isBroadcast =
            keptLoops.empty() ||
            keptLoops.back() < static_cast<int64_t>(dim.getPosition());
        keptLoops.push_back(dim.getPosition());
        groups.push_back(pending);
        pending.clear();
        continue;
      }
      auto constant = dyn_cast<AffineConstantExpr>(map.getResult(k));
      isBroadcast =
          constant && constant.getValue() == 0 && type.getDimSize(k) == 1;
    }
    if (!isBroadcast)
      continue;
    if (!pending.empty() && !groups.empty())
      groups.back().append(pending.begin(), pending.end());
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value source = input->get();
    if (keptLoops.size() != static_cast<size_t>(type.getRank()))
      source = tensor::CollapseShapeOp::create(rewriter, loc, source, groups);
    SmallVector<int64_t> added;
    for (unsigned loop = 0; loop < loops; ++loop)
      if (!llvm::is_contained(keptLoops, loop))
        added.push_back(loop);
    Value empty = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, init->get()),
        type.getElementType());
    Value broadcast =
        added.empty()
            ? source
            : linalg::BroadcastOp::create(rewriter, loc, source, empty, added)
                  ->getResult(0);
    if (cast<RankedTensorType>(broadcast.getType()).getShape() !=
        outputType.getShape())
      broadcast = tensor::CastOp::create(
          rewriter, loc, outputType.clone(type.getElementType()), broadcast);
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    maps[input->getOperandNumber()] = rewriter.getMultiDimIdentityMap(loops);
    rewriter.modifyOpInPlace(op, [&] {
      input->set(broadcast);
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
  }
  return success();
}

struct NormalizePass : qfhe::impl::NormalizeBase<NormalizePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkElementTypes(module)))
      return signalPassFailure();
    OpPassManager pm(ModuleOp::getOperationName());
    qfhe::buildTensorFrontEndPipeline(pm, /*keepOutputSoftmax=*/true);
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

    // Boolean tensors, and functions of one tensor read together, fuse into
    // their users.
    RewritePatternSet booleans(&getContext());
    booleans.add<FuseFunctionsOfOneTensor, ForwardCopies>(&getContext());
    if (failed(applyPatternsGreedily(module, std::move(booleans))))
      return signalPassFailure();

    // A min, max or division of two tensors becomes sums, differences,
    // products and functions of one tensor (before broadcasts are
    // materialized: the reciprocal of a broadcast divisor is taken once per
    // element of the divisor).
    RewritePatternSet pairs(&getContext());
    qfhe::populateTensorPairPatterns(pairs);
    if (failed(applyPatternsGreedily(module, std::move(pairs))))
      return signalPassFailure();

    SmallVector<linalg::GenericOp> generics;
    module.walk([&](linalg::GenericOp op) { generics.push_back(op); });
    for (linalg::GenericOp op : generics)
      if (failed(materializeBroadcastOperands(op, rewriter)))
        return signalPassFailure();

    // A generic that reads one value twice through the same map (x * x)
    // reads it once: the quantizer then sees a function of one tensor, one
    // lookup, not a product of two encrypted tensors.
    RewritePatternSet deduplicate(&getContext());
    linalg::populateEraseUnusedOperandsAndResultsPatterns(deduplicate);
    if (failed(applyPatternsGreedily(module, std::move(deduplicate))))
      return signalPassFailure();

    OpPassManager cleanup(ModuleOp::getOperationName());
    cleanup.addPass(createCanonicalizerPass());
    if (failed(runPipeline(cleanup, module)))
      return signalPassFailure();
  }
};

} // namespace
