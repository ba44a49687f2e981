//===- QuantOps.cpp - QuantizeLinear, DequantizeLinear, quantized Clip ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// QuantizeLinear and DequantizeLinear become the upstream quant dialect's
// `quant.qcast` and `quant.dcast`, the parameters read from the constant
// scale and zero point into the `!quant.uniform` type of the quantized
// tensor. ONNX QuantizeLinear computes
// saturate(round_half_to_even(x / scale) + zero_point), which is what qfhe
// gives `quant.qcast` (and `qfhe.quantize`); the zero point's type (uint8 by
// default) is the storage: uint8 -> u8, int8 -> i8 (int32 too for
// DequantizeLinear). A Clip of quantized integers (how quantization-aware
// training exports a 4-bit value in int8: QuantizeLinear then Clip) narrows
// the storage range: `quant.qcast(quant.dcast(x))` into the same parameters
// with the Clip's bounds. A Cast of quantized integers to float (the int32
// output of MatMulInteger) is `quant.dcast`.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "QuantizedValues.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "qfhe/Dialect/QFHE/IR/QuantParams.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;
using namespace mlir::qfhe::onnx_import;

IntegerType mlir::qfhe::onnx_import::getStorageOf(RankedTensorType type) {
  Type element = type.getElementType();
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    return IntegerType::get(
        element.getContext(), quantized.getStorageTypeIntegralWidth(),
        quantized.isSigned() ? IntegerType::Signed : IntegerType::Unsigned);
  return dyn_cast<IntegerType>(element);
}

FailureOr<quant::QuantizedType> mlir::qfhe::onnx_import::getQuantizedType(
    NodeContext &ctx, RankedTensorType type, IntegerType storage,
    const QuantizedOperand &operand) {
  SmallVector<double> scales{1.0};
  DenseElementsAttr scaleData;
  if (operand.scale) {
    if (failed(ctx.requireConstant(*operand.scale, "scale")))
      return failure();
    scaleData = ctx.getConstantInput(*operand.scale);
    scales.clear();
    for (float scale : getFloatValues(scaleData)) {
      if (!std::isfinite(scale) || scale <= 0.0f)
        return ctx.fail(ctx.getOpType() + " scale " +
                        llvm::formatv("{0}", scale).str() +
                        " is not finite and positive");
      scales.push_back(scale);
    }
  }
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (ctx.hasInput(operand.zeroPoint)) {
    if (failed(ctx.requireConstant(operand.zeroPoint, "zero point")))
      return failure();
    DenseElementsAttr zpData = ctx.getConstantInput(operand.zeroPoint);
    zeroPoints = getIntValues(zpData);
    if (!operand.scale && scales.size() == 1)
      scales.assign(zeroPoints.size(), 1.0);
    if (zpData.getElementType() != storage ||
        zeroPoints.size() != scales.size())
      return ctx.fail(ctx.getOpType() + " zero point " +
                      formatShape(zpData.getType().getShape()) +
                      " does not match the scale " +
                      (scaleData ? formatShape(scaleData.getType().getShape())
                                 : std::string("[1]")) +
                      " or the storage type");
  }
  std::optional<int64_t> axis;
  if (scales.size() > 1) {
    axis = operand.axis;
    if (type.getDimSize(*axis) != static_cast<int64_t>(scales.size()))
      return ctx.fail(ctx.getOpType() + " scale " +
                      formatShape({static_cast<int64_t>(scales.size())}) +
                      " does not match dimension " + Twine(*axis) + " of " +
                      formatShape(type.getShape()));
  }
  return getUniformType(ctx.getBuilder().getF32Type(), storage.getWidth(),
                        !storage.isUnsigned(), scales, zeroPoints, axis);
}

FailureOr<Value>
mlir::qfhe::onnx_import::getQuantizedInput(NodeContext &ctx, unsigned index,
                                           quant::QuantizedType element) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  RankedTensorType type = ctx.getInputType(index);
  auto storage = builder.getIntegerType(element.getStorageTypeIntegralWidth());
  if (DenseElementsAttr data = ctx.getConstantInput(index)) {
    auto ints = dyn_cast<DenseIntElementsAttr>(data);
    if (!ints)
      return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(index) +
                      "' must hold integers");
    Value integers =
        arith::ConstantOp::create(builder, loc, ints.bitcast(storage));
    return quant::StorageCastOp::create(builder, loc, type.clone(element),
                                        integers)
        .getResult();
  }
  Value input = ctx.getInput(index);
  if (type.getElementType() == element)
    return input;
  if (!isa<quant::QuantizedType>(type.getElementType()))
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(index) +
                    "' must be constant or quantized (the output of a "
                    "QuantizeLinear or a quantized operator)");
  Value integers =
      quant::StorageCastOp::create(builder, loc, type.clone(storage), input);
  return quant::StorageCastOp::create(builder, loc, type.clone(element),
                                      integers)
      .getResult();
}

FailureOr<Value>
mlir::qfhe::onnx_import::getQuantizedOperand(NodeContext &ctx,
                                             const QuantizedOperand &operand) {
  RankedTensorType type = ctx.getInputType(operand.index);
  IntegerType storage = getStorageOf(type);
  if (!storage || storage.getWidth() > 32 || storage.isSignless())
    return ctx.fail(ctx.getOpType() + " input '" +
                    ctx.getInputName(operand.index) +
                    "' must hold uint8, int8 or int32 values");
  FailureOr<quant::QuantizedType> element =
      getQuantizedType(ctx, type, storage, operand);
  if (failed(element))
    return failure();
  return getQuantizedInput(ctx, operand.index, *element);
}

namespace {

/// The axis of QuantizeLinear/DequantizeLinear (attribute, default 1, since
/// opset 13) for a tensor of rank `rank` whose scale has `count` values.
FailureOr<int64_t> getQDQAxis(NodeContext &ctx, int64_t rank) {
  if (ctx.getOpset() < 13) {
    if (ctx.hasAttr("axis"))
      return ctx.failAttr("axis", Twine(ctx.getInt("axis", 1)),
                          ctx.getOpType() + " has no 'axis' before opset 13");
    DenseElementsAttr scale = ctx.getConstantInput(1);
    if (scale && scale.getNumElements() > 1)
      return ctx.fail(ctx.getOpType() +
                      " with a per-axis scale needs opset 13 or later");
    return 1;
  }
  // The axis is ignored for per-tensor quantization (a scalar scale): ONNX
  // Runtime's quantizer writes axis=1 on the DequantizeLinear of a rank-1
  // bias.
  if (ctx.getInputType(1).getNumElements() == 1)
    return 0;
  int64_t attr = ctx.getInt("axis", 1);
  std::optional<int64_t> axis = normalizeAxis(attr, rank);
  if (!axis)
    return ctx.failAttr("axis", Twine(attr),
                        "out of range for rank " + Twine(rank));
  return *axis;
}

LogicalResult emitQuantizeLinear(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<int64_t> axis = getQDQAxis(ctx, type.getRank());
  if (failed(axis))
    return failure();
  IntegerType storage =
      IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  if (DenseElementsAttr zp = ctx.getConstantInput(2))
    storage = dyn_cast<IntegerType>(zp.getElementType());
  if (!storage || storage.getWidth() != 8)
    return ctx.fail("QuantizeLinear zero point must be uint8 or int8");
  FailureOr<quant::QuantizedType> element =
      getQuantizedType(ctx, type, storage, {0, 1, 2, *axis});
  if (failed(element))
    return failure();
  ctx.setResult(0, quant::QuantizeCastOp::create(ctx.getBuilder(), ctx.getLoc(),
                                                 type.clone(*element),
                                                 ctx.getInput(0)));
  return success();
}

LogicalResult emitDequantizeLinear(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<int64_t> axis = getQDQAxis(ctx, type.getRank());
  if (failed(axis))
    return failure();
  IntegerType storage = getStorageOf(type);
  if (!storage || (storage.getWidth() != 8 && storage.getWidth() != 32))
    return ctx.fail("DequantizeLinear input '" + ctx.getInputName(0) +
                    "' must hold uint8, int8 or int32 values");
  FailureOr<Value> input = getQuantizedOperand(ctx, {0, 1, 2, *axis});
  if (failed(input))
    return failure();
  OpBuilder &builder = ctx.getBuilder();
  ctx.setResult(
      0, quant::DequantizeCastOp::create(
             builder, ctx.getLoc(), type.clone(builder.getF32Type()), *input));
  return success();
}

/// Cast to float32: of quantized integers, their dequantization (the
/// integers themselves for the scale-1 int32 of MatMulInteger); of
/// booleans, 1.0 and 0.0; of float32, the input; of integer data known at
/// import time, its values.
LogicalResult emitCast(NodeContext &ctx) {
  constexpr int64_t kFloat = 1; // TensorProto::FLOAT
  RankedTensorType type = ctx.getInputType(0);
  bool toFloat = ctx.getInt("to", 0) == kFloat;
  if (toFloat && type.getElementType().isF32()) {
    ctx.forwardInput(0);
    return success();
  }
  if (toFloat && type.getElementType().isInteger(1))
    return emitBooleanToFloat(ctx);
  // Integer data known at import time (ONNX BOOL is read as 0 and 1).
  DenseElementsAttr data = ctx.getConstantInput(0);
  if (toFloat && data && isa<IntegerType>(data.getElementType())) {
    SmallVector<float> values;
    for (int64_t value : getIntValues(data))
      values.push_back(static_cast<float>(value));
    ctx.setConstantResult(
        0, DenseElementsAttr::get(
               data.getType().clone(ctx.getBuilder().getF32Type()),
               ArrayRef<float>(values)));
    return success();
  }
  if (ctx.getInt("to", 0) != kFloat ||
      !isa<quant::QuantizedType>(type.getElementType()))
    return ctx.fail("Cast is supported to float32 from float32, booleans "
                    "and quantized integers (the output of a quantized "
                    "operator) only");
  OpBuilder &builder = ctx.getBuilder();
  ctx.setResult(0, quant::DequantizeCastOp::create(
                       builder, ctx.getLoc(), type.clone(builder.getF32Type()),
                       ctx.getInput(0)));
  return success();
}

} // namespace

LogicalResult mlir::qfhe::onnx_import::emitQuantizedClip(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  std::optional<QuantParams> params = QuantParams::get(type);
  if (!params || params->isPerAxis())
    return ctx.fail("Clip of integers is supported on quantized tensors "
                    "quantized per tensor (a QuantizeLinear output)");
  IntegerRange bounds = params->getStorageRange();
  for (auto [index, role] : {std::pair<unsigned, StringRef>{1, "min"},
                             std::pair<unsigned, StringRef>{2, "max"}}) {
    if (!ctx.hasInput(index))
      continue;
    if (failed(ctx.requireConstant(index, role)))
      return failure();
    DenseElementsAttr bound = ctx.getConstantInput(index);
    if (!isa<IntegerType>(bound.getElementType()))
      return ctx.fail("Clip " + role +
                      " of a quantized tensor must be an integer constant");
    SmallVector<int64_t> values = getIntValues(bound);
    if (values.size() != 1)
      return ctx.fail("Clip " + role + " must be a scalar");
    if (index == 1)
      bounds.min = std::max(bounds.min, values.front());
    else
      bounds.max = std::min(bounds.max, values.front());
  }
  if (bounds.min >= bounds.max)
    return ctx.fail("Clip leaves at most one integer ([" + Twine(bounds.min) +
                    ", " + Twine(bounds.max) + "])");
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value real = quant::DequantizeCastOp::create(
      builder, loc, type.clone(builder.getF32Type()), ctx.getInput(0));
  ctx.setResult(0, quant::QuantizeCastOp::create(
                       builder, loc,
                       type.clone(withStorageBounds(*params, bounds)), real));
  return success();
}

void mlir::qfhe::onnx_import::addQuantOps(OpTable &table) {
  table["QuantizeLinear"] = {emitQuantizeLinear,        2,     3, 1,
                             {{"axis", AttrKind::Int}}, {0, 1}};
  table["DequantizeLinear"] = {emitDequantizeLinear,      2,  3, 1,
                               {{"axis", AttrKind::Int}}, {1}};
  table["Cast"] = {emitCast, 1, 1, 1, {{"to", AttrKind::Int}}, {}};
}
