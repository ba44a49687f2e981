//===- QuantOps.cpp - QuantizeLinear and DequantizeLinear -----------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// QuantizeLinear and DequantizeLinear become `qfhe.quantize` and
// `qfhe.dequantize` with `#qfhe.quant` parameters read from the constant scale
// and zero point. ONNX QuantizeLinear computes
// saturate(round_half_to_even(x / scale) + zero_point), exactly what
// qfhe.quantize does; the zero point's type (uint8 by default) is the storage:
// uint8 -> ui8, int8 -> si8 (int32 too for DequantizeLinear).
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The quantization parameters of a QuantizeLinear/DequantizeLinear node for
/// a tensor of type `type` stored as `storage`: scale (input 1) and zero
/// point (input 2, default 0), per tensor or, since opset 13, per axis.
FailureOr<QuantParamsAttr>
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
  return QuantParamsAttr::getChecked(
      [&] { return emitError(ctx.getErrorLoc()); }, ctx.getContext(),
      storage.getWidth(), storage.isSigned(), /*narrowRange=*/false, axis,
      ArrayRef<double>(scaleValues), ArrayRef<int64_t>(zeroPoints));
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
  FailureOr<QuantParamsAttr> params = getQuantParams(ctx, type, storage);
  if (failed(params))
    return failure();
  ctx.setResult(0, QuantizeOp::create(ctx.getBuilder(), ctx.getLoc(),
                                      type.clone(storage), ctx.getInput(0),
                                      *params));
  return success();
}

LogicalResult emitDequantizeLinear(NodeContext &ctx) {
  if (ctx.getOpset() < 13 && ctx.hasAttr("axis"))
    return ctx.failAttr("axis", Twine(ctx.getInt("axis", 1)),
                        "DequantizeLinear has no 'axis' before opset 13");
  RankedTensorType type = ctx.getInputType(0);
  auto storage = dyn_cast<IntegerType>(type.getElementType());
  if (!storage || (storage.getWidth() != 8 && storage.getWidth() != 32))
    return ctx.fail("DequantizeLinear input '" + ctx.getInputName(0) +
                    "' must hold uint8, int8 or int32 values");
  FailureOr<QuantParamsAttr> params = getQuantParams(ctx, type, storage);
  if (failed(params))
    return failure();
  OpBuilder &builder = ctx.getBuilder();
  ctx.setResult(0, DequantizeOp::create(builder, ctx.getLoc(),
                                        type.clone(builder.getF32Type()),
                                        ctx.getInput(0), *params));
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addQuantOps(OpTable &table) {
  table["QuantizeLinear"] = {emitQuantizeLinear,        2,     3, 1,
                             {{"axis", AttrKind::Int}}, {0, 1}};
  table["DequantizeLinear"] = {emitDequantizeLinear,      2,  3, 1,
                               {{"axis", AttrKind::Int}}, {1}};
}
