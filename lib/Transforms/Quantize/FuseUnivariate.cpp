//===- FuseUnivariate.cpp - the qfhe-fuse-univariate pass -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_FUSEUNIVARIATE
#include "qfhe/Transforms/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// The parts of a univariate op: its input and its body (none for a
/// requantize: the identity). The types hold the parameters.
struct Univariate {
  Value input;
  ApplyOp apply;
};

std::optional<Univariate> matchUnivariate(Operation *op) {
  if (auto apply = dyn_cast<ApplyOp>(op))
    return Univariate{apply.getInput(), apply};
  if (auto requantize = dyn_cast<RequantizeOp>(op))
    return Univariate{requantize.getInput(), ApplyOp()};
  return std::nullopt;
}

/// Fuses `second(first(x))` when `first` has no other user.
struct FuseChain : RewritePattern {
  explicit FuseChain(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    std::optional<Univariate> second = matchUnivariate(op);
    if (!second)
      return failure();
    Operation *producer = second->input.getDefiningOp();
    std::optional<Univariate> first =
        producer ? matchUnivariate(producer) : std::nullopt;
    if (!first || !producer->hasOneUse())
      return rewriter.notifyMatchFailure(op, "no single-use univariate input");
    // Channel arguments must agree on the axis.
    std::optional<int64_t> axis;
    for (ApplyOp apply : {first->apply, second->apply}) {
      if (!apply || !apply.getChannelAxis())
        continue;
      if (axis && axis != apply.getChannelAxis())
        return rewriter.notifyMatchFailure(op, "different channel axes");
      axis = apply.getChannelAxis();
    }
    FloatType type = first->apply    ? first->apply.getFunctionType()
                     : second->apply ? second->apply.getFunctionType()
                                     : rewriter.getF32Type();
    if (second->apply && second->apply.getFunctionType() != type)
      return rewriter.notifyMatchFailure(op, "bodies in different types");

    auto fused = ApplyOp::create(
        rewriter, op->getLoc(), op->getResult(0).getType(), first->input,
        axis ? rewriter.getI64IntegerAttr(*axis) : IntegerAttr());
    Block *block = rewriter.createBlock(&fused.getBody());
    Value value = block->addArgument(type, op->getLoc());
    Value channel =
        axis ? block->addArgument(rewriter.getIndexType(), op->getLoc())
             : Value();
    for (ApplyOp apply : {first->apply, second->apply}) {
      if (!apply)
        continue;
      Block &body = apply.getBody().front();
      IRMapping mapping;
      mapping.map(body.getArgument(0), value);
      if (body.getNumArguments() > 1)
        mapping.map(body.getArgument(1), channel);
      for (Operation &nested : body.without_terminator())
        rewriter.clone(nested, mapping);
      value = mapping.lookup(cast<YieldOp>(body.getTerminator()).getValue());
    }
    YieldOp::create(rewriter, op->getLoc(), value);
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(producer);
    return success();
  }
};

struct FuseUnivariatePass : qfhe::impl::FuseUnivariateBase<FuseUnivariatePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseChain>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
