//===- QuantOps.cpp - QuantizeLinear and DequantizeLinear -----------------===//
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
// DequantizeLinear). A constant input of DequantizeLinear (a quantized
// weight) is an `arith.constant` of signless storage integers and a
// `quant.scast`.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "qfhe/Dialect/QFHE/IR/QuantParams.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The quantized element type of a QuantizeLinear/DequantizeLinear node for
/// a tensor of shape `type` stored as `storage` (signed or unsigned): scale
/// (input 1) and zero point (input 2, default 0), per tensor or, since opset
/// 13, per axis.
FailureOr<quant::QuantizedType>
getQuantParams(NodeContext &ctx, RankedTensorType type, IntegerType storage) {
  if (failed(ctx.requireConstant(1, "scale")))
    return failure();
  DenseElementsAttr scaleData = ctx.getConstantInput(1);
  SmallVector<float> scales = getFloatValues(scaleData);
  for (float scale : scales)
    if (!std::isfinite(scale) || scale <= 0.0f)
      return ctx.fail(ctx.getOpType() + " scale " +
                      llvm::formatv("{0}", scale).str() +
                      " is not finite and positive");
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (ctx.hasInput(2)) {
    if (failed(ctx.requireConstant(2, "zero point")))
      return failure();
    DenseElementsAttr zpData = ctx.getConstantInput(2);
    if (zpData.getElementType() != storage ||
        zpData.getNumElements() != static_cast<int64_t>(scales.size()))
      return ctx.fail(ctx.getOpType() + " zero point " +
                      formatShape(zpData.getType().getShape()) +
                      " does not match the scale " +
                      formatShape(scaleData.getType().getShape()) +
                      " or the storage type");
    zeroPoints = getIntValues(zpData);
  }

  std::optional<int64_t> axis;
  if (scales.size() > 1) {
    if (ctx.getOpset() < 13)
      return ctx.fail(ctx.getOpType() +
                      " with a per-axis scale needs opset 13 or later");
    int64_t attr = ctx.getInt("axis", 1);
    axis = normalizeAxis(attr, type.getRank());
    if (!axis)
      return ctx.failAttr("axis", Twine(attr),
                          "out of range for rank " + Twine(type.getRank()));
    if (scaleData.getType().getRank() != 1 ||
        type.getDimSize(*axis) != static_cast<int64_t>(scales.size()))
      return ctx.fail(ctx.getOpType() + " scale " +
                      formatShape(scaleData.getType().getShape()) +
                      " does not match dimension " + Twine(*axis) + " of " +
                      formatShape(type.getShape()));
  }
  SmallVector<double> scaleValues(scales.begin(), scales.end());
  return getUniformType(ctx.getBuilder().getF32Type(), storage.getWidth(),
                        !storage.isUnsigned(), scaleValues, zeroPoints, axis);
}

LogicalResult emitQuantizeLinear(NodeContext &ctx) {
  if (ctx.getOpset() < 13 && ctx.hasAttr("axis"))
    return ctx.failAttr("axis", Twine(ctx.getInt("axis", 1)),
                        "QuantizeLinear has no 'axis' before opset 13");
  IntegerType storage =
      IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  if (DenseElementsAttr zp = ctx.getConstantInput(2))
    storage = dyn_cast<IntegerType>(zp.getElementType());
  if (!storage || storage.getWidth() != 8)
    return ctx.fail("QuantizeLinear zero point must be uint8 or int8");
  RankedTensorType type = ctx.getInputType(0);
  FailureOr<quant::QuantizedType> element = getQuantParams(ctx, type, storage);
  if (failed(element))
    return failure();
  ctx.setResult(0, quant::QuantizeCastOp::create(ctx.getBuilder(), ctx.getLoc(),
                                                 type.clone(*element),
                                                 ctx.getInput(0)));
  return success();
}

/// The integers of DequantizeLinear's input as a tensor of `element`: a
/// constant (a quantized weight) becomes an `arith.constant` of signless
/// storage integers cast with `quant.scast`; a quantized tensor with other
/// parameters is reinterpreted through its storage integers.
FailureOr<Value> getQuantizedInput(NodeContext &ctx,
                                   quant::QuantizedType element) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  RankedTensorType type = ctx.getInputType(0);
  auto storage = builder.getIntegerType(element.getStorageTypeIntegralWidth());
  if (DenseElementsAttr data = ctx.getConstantInput(0)) {
    Value integers = arith::ConstantOp::create(
        builder, loc, cast<DenseIntElementsAttr>(data).bitcast(storage));
    return quant::StorageCastOp::create(builder, loc, type.clone(element),
                                        integers)
        .getResult();
  }
  Value input = ctx.getInput(0);
  if (type.getElementType() == element)
    return input;
  if (!isa<quant::QuantizedType>(type.getElementType()))
    return ctx.fail("DequantizeLinear input '" + ctx.getInputName(0) +
                    "' must be constant or the output of a QuantizeLinear");
  Value integers =
      quant::StorageCastOp::create(builder, loc, type.clone(storage), input);
  return quant::StorageCastOp::create(builder, loc, type.clone(element),
                                      integers)
      .getResult();
}

/// The storage integer type of a DequantizeLinear input of `type`: an
/// integer tensor, or a quantized tensor (its storage, with its signedness).
IntegerType getStorageOf(RankedTensorType type) {
  Type element = type.getElementType();
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    return IntegerType::get(
        element.getContext(), quantized.getStorageTypeIntegralWidth(),
        quantized.isSigned() ? IntegerType::Signed : IntegerType::Unsigned);
  return dyn_cast<IntegerType>(element);
}

LogicalResult emitDequantizeLinear(NodeContext &ctx) {
  if (ctx.getOpset() < 13 && ctx.hasAttr("axis"))
    return ctx.failAttr("axis", Twine(ctx.getInt("axis", 1)),
                        "DequantizeLinear has no 'axis' before opset 13");
  RankedTensorType type = ctx.getInputType(0);
  IntegerType storage = getStorageOf(type);
  if (!storage || (storage.getWidth() != 8 && storage.getWidth() != 32))
    return ctx.fail("DequantizeLinear input '" + ctx.getInputName(0) +
                    "' must hold uint8, int8 or int32 values");
  FailureOr<quant::QuantizedType> element = getQuantParams(ctx, type, storage);
  if (failed(element))
    return failure();
  FailureOr<Value> input = getQuantizedInput(ctx, *element);
  if (failed(input))
    return failure();
  OpBuilder &builder = ctx.getBuilder();
  ctx.setResult(
      0, quant::DequantizeCastOp::create(
             builder, ctx.getLoc(), type.clone(builder.getF32Type()), *input));
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addQuantOps(OpTable &table) {
  table["QuantizeLinear"] = {emitQuantizeLinear,        2,     3, 1,
                             {{"axis", AttrKind::Int}}, {0, 1}};
  table["DequantizeLinear"] = {emitDequantizeLinear,      2,  3, 1,
                               {{"axis", AttrKind::Int}}, {1}};
}
