//===- LowerBoundary.cpp - the client boundary and data movement ----------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The client's quantize produces the circuit's signed integers in the fewest
// bits its storage range needs (unsigned storage and narrower bounds are
// shifted into signed storage, exactly: 4-bit values in uint8 become i4),
// read as signless integers through `quant.scast`; the circuit's results
// reach the client's dequantize through a `quant.scast` to a quantized type
// of their width. Ops that only move elements run on the integer forms
// unchanged.
//
//===----------------------------------------------------------------------===//

#include "IntegerLowering.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

LowerResult lowerQuantize(IntegerLowering &lowering, QuantizeOp op) {
  OpBuilder &b = lowering.getBuilder();
  Location loc = op.getLoc();
  // The client quantizes straight into the circuit's signed integers: the
  // fewest bits that hold the storage range, zero points shifted.
  QuantParams params = *QuantParams::get(op.getType());
  IntegerRange storage = params.getStorageRange();
  SignedStorage held = getSignedStorage(storage);
  SmallVector<int64_t> zeroPoints;
  for (int64_t zeroPoint : params.getZeroPoints())
    zeroPoints.push_back(zeroPoint - held.shift);
  IntegerRange bounds{storage.min - held.shift, storage.max - held.shift};
  quant::QuantizedType element =
      getUniformType(params.getExpressedType(), held.width, /*isSigned=*/true,
                     params.getScales(), zeroPoints, params.getAxis(), bounds);
  auto type = cast<RankedTensorType>(op.getType());
  Value q = QuantizeOp::create(b, loc, type.clone(element), op.getInput());
  IntegerType signless = getSignlessType(op.getContext(), held.width);
  IntegerForm form;
  form.value = quant::StorageCastOp::create(b, loc, type.clone(signless), q);
  form.scales.assign(params.getScales().begin(), params.getScales().end());
  form.offsets = zeroPoints;
  form.axis = params.getAxis();
  form.ranges = {bounds};
  lowering.setForm(op.getResult(), form);
  return success();
}

LowerResult lowerDequantize(IntegerLowering &lowering, DequantizeOp op) {
  FailureOr<IntegerForm> form = lowering.getForm(op.getInput(), op);
  if (failed(form))
    return failure();
  unsigned width = form->getWidth();
  if (width > quant::QuantizedType::MaxStorageBits)
    return op->emitError() << "cannot lower: the result's integers have "
                           << width << " bits; quantized types hold at most "
                           << quant::QuantizedType::MaxStorageBits;
  // Units of 2^u fold into the scales (the offsets are multiples of 2^u).
  SmallVector<double> scales(form->scales);
  SmallVector<int64_t> offsets(form->offsets);
  for (double &scale : scales)
    scale = std::ldexp(scale, form->unitBits);
  for (int64_t &offset : offsets)
    offset >>= form->unitBits;
  Type expressed =
      QuantParams::get(op.getInput().getType())->getExpressedType();
  quant::QuantizedType element =
      getUniformType(expressed, width, /*isSigned=*/true, scales, offsets,
                     scales.size() > 1 ? form->axis : std::nullopt);
  OpBuilder &b = lowering.getBuilder();
  auto type = cast<RankedTensorType>(form->value.getType());
  Value q = quant::StorageCastOp::create(b, op.getLoc(), type.clone(element),
                                         form->value);
  Value real = DequantizeOp::create(b, op.getLoc(), op.getType(), q);
  op.getResult().replaceAllUsesWith(real);
  return success();
}

/// Re-creates a movement op on the integer form.
LowerResult lowerMovement(IntegerLowering &lowering, Operation *op) {
  FailureOr<IntegerForm> form = lowering.getForm(op->getOperand(0), op);
  if (failed(form))
    return failure();
  if (!form->isUniform())
    return op->emitError() << "cannot lower: data movement of per-channel "
                              "values";
  OpBuilder &b = lowering.getBuilder();
  Type element = cast<ShapedType>(form->value.getType()).getElementType();
  Value result;
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
    Value init = tensor::EmptyOp::create(
        b, op->getLoc(),
        tensor::getMixedSizes(b, op->getLoc(), transpose.getInit()), element);
    result = linalg::TransposeOp::create(b, op->getLoc(), form->value, init,
                                         transpose.getPermutation())
                 .getResult()[0];
  } else if (auto broadcast = dyn_cast<linalg::BroadcastOp>(op)) {
    Value init = tensor::EmptyOp::create(
        b, op->getLoc(),
        tensor::getMixedSizes(b, op->getLoc(), broadcast.getInit()), element);
    result = linalg::BroadcastOp::create(b, op->getLoc(), form->value, init,
                                         broadcast.getDimensions())
                 .getResult()[0];
  } else {
    IRMapping mapping;
    mapping.map(op->getOperand(0), form->value);
    Operation *clone = b.clone(*op, mapping);
    result = clone->getResult(0);
    result.setType(cast<RankedTensorType>(result.getType()).clone(element));
  }
  IntegerForm moved = *form;
  moved.value = result;
  moved.ranges = {form->getWholeRange()};
  lowering.setForm(op->getResult(0), moved);
  return success();
}

LowerResult lowerConcat(IntegerLowering &lowering, tensor::ConcatOp op) {
  SmallVector<Value> inputs;
  std::optional<IntegerForm> first;
  IntegerRange range{INT64_MAX, INT64_MIN};
  for (Value input : op.getInputs()) {
    FailureOr<IntegerForm> form = lowering.getForm(input, op);
    if (failed(form))
      return failure();
    if (first &&
        (form->scales != first->scales || form->offsets != first->offsets ||
         form->unitBits != first->unitBits ||
         form->getWidth() != first->getWidth()))
      return op->emitError() << "cannot lower: concatenated tensors stand "
                                "for reals differently";
    if (!first)
      first = *form;
    range = range.join(form->getWholeRange());
    inputs.push_back(form->value);
  }
  Type element = cast<ShapedType>(first->value.getType()).getElementType();
  IntegerForm result = *first;
  result.value = tensor::ConcatOp::create(
      lowering.getBuilder(), op.getLoc(),
      cast<RankedTensorType>(op.getType()).clone(element), op.getDim(), inputs);
  result.ranges = {range};
  lowering.setForm(op.getResult(), result);
  return success();
}

/// `quant.scast` from storage integers to a quantized type, when the
/// integers are those of another quantized value (`quant.scast` to storage
/// first): the same integers read at other scales, as ONNX MatMulInteger
/// reads a QuantizeLinear's at scale 1. Exact when both types have the same
/// zero points and storage: real = new_scale * (z - offset) on the same
/// integer form.
LowerResult lowerReinterpretation(IntegerLowering &lowering,
                                  quant::StorageCastOp op) {
  std::optional<QuantParams> to = QuantParams::get(op.getType());
  auto toStorage = op.getInput().getDefiningOp<quant::StorageCastOp>();
  if (!to || !toStorage)
    return std::nullopt;
  std::optional<QuantParams> from =
      QuantParams::get(toStorage.getInput().getType());
  if (!from)
    return std::nullopt;
  FailureOr<IntegerForm> form = lowering.getForm(toStorage.getInput(), op);
  if (failed(form))
    return failure();
  if (from->getZeroPoints() != to->getZeroPoints() ||
      from->isSigned() != to->isSigned() ||
      from->getStorageWidth() != to->getStorageWidth())
    return op->emitError() << "cannot lower: reinterpreting integers of type "
                           << toStorage.getInput().getType() << " as "
                           << op.getType()
                           << " changes their zero points or storage";
  if (form->unitBits != 0 || form->scales != from->getScales())
    return op->emitError() << "cannot lower: the integers reinterpreted as "
                           << op.getType()
                           << " are not stored at their own scales";
  IntegerForm result = *form;
  result.scales.assign(to->getScales().begin(), to->getScales().end());
  result.axis = to->getAxis();
  lowering.setForm(op.getResult(), result);
  return success();
}

/// Whether `value` is a tensor of the quantized level.
bool isQuantizedTensor(Value value) {
  return QuantParams::get(value.getType()).has_value();
}

} // namespace

LowerResult mlir::qfhe::lowerBoundaryOrMovementOp(IntegerLowering &lowering,
                                                  Operation *op) {
  if (auto quantize = dyn_cast<QuantizeOp>(op))
    return lowerQuantize(lowering, quantize);
  if (auto dequantize = dyn_cast<DequantizeOp>(op))
    return lowerDequantize(lowering, dequantize);
  if (auto cast = dyn_cast<quant::StorageCastOp>(op))
    return lowerReinterpretation(lowering, cast);
  if (auto concat = dyn_cast<tensor::ConcatOp>(op))
    return isQuantizedTensor(concat.getResult()) ? lowerConcat(lowering, concat)
                                                 : std::nullopt;
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::ExtractSliceOp, tensor::ReshapeOp, linalg::TransposeOp,
          linalg::BroadcastOp>(op) &&
      op->getNumResults() == 1 && isQuantizedTensor(op->getResult(0)))
    return lowerMovement(lowering, op);
  return std::nullopt;
}
