//===- QuantizeMovement.cpp - quantize data movement ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Ops that only move elements run on the quantized tensors unchanged and
// keep the type, which must be per tensor (per-channel values are read as
// activations first). Concatenated tensors are requantized to common
// parameters.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlan.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

PlanResult planMove(QuantizationPlan &quantizer, Operation *op) {
  FailureOr<QuantizedRead> source =
      quantizer.getActivation(op->getOperand(0), op);
  if (failed(source))
    return failure();
  quantizer.setType(op->getResult(0), source->type, /*accumulator=*/false);
  quantizer.setMovement(op, {*source});
  return success();
}

PlanResult planConcat(QuantizationPlan &quantizer, tensor::ConcatOp op) {
  const QuantizeOptions &options = quantizer.getOptions();
  Value result = op.getResult();
  FailureOr<quant::QuantizedType> params = quantizer.chooseParams(
      result,
      quantizer.desiredBits(result,
                            quantizer.defaultBits(options.activationBits)),
      options.symmetricActivations, op);
  if (failed(params))
    return failure();
  SmallVector<QuantizedRead> inputs;
  for (Value input : op.getInputs()) {
    FailureOr<QuantizedRead> source = quantizer.getQuantized(input, op);
    if (failed(source))
      return failure();
    inputs.push_back(*source);
  }
  quantizer.setType(result, *params, /*accumulator=*/false);
  quantizer.setMovement(op, std::move(inputs));
  return success();
}

/// Data movement on the quantized source: region-free ops are cloned,
/// linalg.transpose and linalg.broadcast re-created with an init of the
/// quantized type; concatenated inputs are requantized to the result's
/// type.
struct MovementPattern : ConversionPattern {
  MovementPattern(const TypeConverter &converter, QuantizationPlan &plan)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          plan.getFunction().getContext()),
        plan(plan) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    const SmallVector<QuantizedRead> *inputs = plan.getMovement(op);
    if (!inputs)
      return rewriter.notifyMatchFailure(op, "not planned data movement");
    Location loc = op->getLoc();
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op->getResult(0)));
    Value result;
    if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
      SmallVector<Value> parts;
      for (const QuantizedRead &input : *inputs)
        parts.push_back(QuantizationPlan::requantize(
            rewriter, loc, plan.materialize(rewriter, input),
            cast<quant::QuantizedType>(type.getElementType())));
      result =
          tensor::ConcatOp::create(rewriter, loc, type, concat.getDim(), parts);
    } else {
      Value source = plan.materialize(rewriter, inputs->front());
      if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
        result = linalg::TransposeOp::create(
                     rewriter, loc, source,
                     emptyLike(rewriter, loc, transpose.getInit(), type),
                     transpose.getPermutation())
                     .getResult()[0];
      } else if (auto broadcast = dyn_cast<linalg::BroadcastOp>(op)) {
        result = linalg::BroadcastOp::create(
                     rewriter, loc, source,
                     emptyLike(rewriter, loc, broadcast.getInit(), type),
                     broadcast.getDimensions())
                     .getResult()[0];
      } else {
        IRMapping mapping;
        mapping.map(op->getOperand(0), source);
        for (auto [original, converted] :
             llvm::zip(op->getOperands().drop_front(), operands.drop_front()))
          mapping.map(original, converted);
        Operation *clone = rewriter.clone(*op, mapping);
        result = clone->getResult(0);
        result.setType(type);
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// A tensor.empty shaped like `init` with `type`'s element type.
  static Value emptyLike(OpBuilder &b, Location loc, Value init,
                         RankedTensorType type) {
    return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, init),
                                   type.getElementType());
  }

  QuantizationPlan &plan;
};

} // namespace

PlanResult mlir::qfhe::planMovementOp(QuantizationPlan &plan, Operation *op) {
  if (isDataMovement(op))
    return planMove(plan, op);
  if (auto concat = dyn_cast<tensor::ConcatOp>(op))
    return planConcat(plan, concat);
  return std::nullopt;
}

void mlir::qfhe::populateMovementQuantizePatterns(
    const TypeConverter &converter, QuantizationPlan &plan,
    RewritePatternSet &patterns) {
  patterns.add<MovementPattern>(converter, plan);
}
