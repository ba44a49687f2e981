//===- QuantizeMovement.cpp - quantize data movement ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Ops that only move elements run on the integers unchanged and keep the
// parameters, which must be per tensor (per-channel values are requantized
// first). Concatenated tensors are requantized to common parameters.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Clones a region-free movement op on the quantized source with the
/// storage element type.
RewriteResult cloneOnIntegers(Quantizer &quantizer, Operation *op) {
  FailureOr<QValue> source = quantizer.getActivation(op->getOperand(0), op);
  if (failed(source))
    return failure();
  IRMapping mapping;
  mapping.map(op->getOperand(0), source->value);
  Operation *clone = quantizer.getBuilder().clone(*op, mapping);
  Value result = clone->getResult(0);
  result.setType(getTensorType(result.getType(),
                               getElementTypeOrSelf(source->value.getType())));
  quantizer.setQuantized(op->getResult(0), QValue{result, false});
  return success();
}

/// Re-creates a linalg movement op with an init (transpose, broadcast) on
/// the quantized source: `build(source, init)` makes the op.
RewriteResult
moveWithInit(Quantizer &quantizer, Operation *op, Value input, Value oldInit,
             function_ref<Value(OpBuilder &, Value, Value)> build) {
  FailureOr<QValue> source = quantizer.getActivation(input, op);
  if (failed(source))
    return failure();
  OpBuilder &b = quantizer.getBuilder();
  Value result = op->getResult(0);
  Type element = getElementTypeOrSelf(source->value.getType());
  Value init = tensor::EmptyOp::create(
      b, op->getLoc(), tensor::getMixedSizes(b, op->getLoc(), oldInit),
      element);
  quantizer.setQuantized(result, QValue{build(b, source->value, init), false});
  return success();
}

RewriteResult quantizeTranspose(Quantizer &quantizer, linalg::TransposeOp op) {
  return moveWithInit(quantizer, op, op.getInput(), op.getInit(),
                      [&](OpBuilder &b, Value source, Value init) {
                        return linalg::TransposeOp::create(b, op.getLoc(),
                                                           source, init,
                                                           op.getPermutation())
                            .getResult()[0];
                      });
}

RewriteResult quantizeBroadcast(Quantizer &quantizer, linalg::BroadcastOp op) {
  return moveWithInit(quantizer, op, op.getInput(), op.getInit(),
                      [&](OpBuilder &b, Value source, Value init) {
                        return linalg::BroadcastOp::create(b, op.getLoc(),
                                                           source, init,
                                                           op.getDimensions())
                            .getResult()[0];
                      });
}

RewriteResult quantizeConcat(Quantizer &quantizer, tensor::ConcatOp op) {
  const QuantizeOptions &options = quantizer.getOptions();
  Value result = op.getResult();
  FailureOr<quant::QuantizedType> params = quantizer.chooseParams(
      result,
      quantizer.desiredBits(result,
                            quantizer.defaultBits(options.activationBits)),
      options.symmetricActivations, op);
  if (failed(params))
    return failure();
  SmallVector<Value> inputs;
  for (Value input : op.getInputs()) {
    FailureOr<QValue> source = quantizer.getQuantized(input, op);
    if (failed(source))
      return failure();
    inputs.push_back(quantizer.requantize(*source, *params, op.getLoc()).value);
  }
  Value concat = tensor::ConcatOp::create(
      quantizer.getBuilder(), op.getLoc(),
      Quantizer::storageType(result.getType(), *params), op.getDim(), inputs);
  quantizer.setQuantized(result, QValue{concat, false});
  return success();
}

} // namespace

RewriteResult mlir::qfhe::quantizeMovementOp(Quantizer &quantizer,
                                             Operation *op) {
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::ExtractSliceOp, tensor::ReshapeOp>(op))
    return cloneOnIntegers(quantizer, op);
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
    return quantizeTranspose(quantizer, transpose);
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(op))
    return quantizeBroadcast(quantizer, broadcast);
  if (auto concat = dyn_cast<tensor::ConcatOp>(op))
    return quantizeConcat(quantizer, concat);
  return std::nullopt;
}
