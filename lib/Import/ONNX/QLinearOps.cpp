//===- QLinearOps.cpp - QOperator ops: QLinearMatMul, QLinearConv, ... ----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The QOperator form of a quantized ONNX model computes on integers: its
// ops are qfhe's quantized level, which the importer emits directly.
//
// - QLinearMatMul and QLinearConv accumulate `(a - a_zp) * (b - b_zp)`
//   exactly in int32 (QLinearConv adds its int32 bias B, at scale
//   x_scale * w_scale) and requantize with the ONNX reference's
//   arithmetic: `saturate(round_half_to_even(acc * m + y_zp))` with the
//   float32 multiplier `m = a_scale * b_scale / y_scale`, in float64:
//   `qfhe.matmul` or `qfhe.conv2d`, then `qfhe.requantize` with
//   `#qfhe.rounding<float_half_even>`. The b (w) scale and zero point may
//   be per output channel.
// - MatMulInteger and ConvInteger give the int32 accumulation itself: a
//   quantized tensor of scale 1 and zero point 0 (the operands read with
//   scale 1 and their zero points), which a Cast makes float.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "QuantizedValues.h"
#include "Shapes.h"

#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

using namespace mlir;
using namespace mlir::qfhe;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The accumulator type of `input` times `weights` (per axis `axis` when
/// the weights are per axis), int32, zero point 0, shaped `shape`.
RankedTensorType getAccumulatorType(Value input, Value weights,
                                    ArrayRef<int64_t> shape, int64_t axis) {
  QuantParams in = *QuantParams::get(input.getType());
  QuantParams w = *QuantParams::get(weights.getType());
  SmallVector<double> scales;
  for (double scale : w.getScales())
    scales.push_back(in.getScale() * scale);
  SmallVector<int64_t> zeros(scales.size(), 0);
  return RankedTensorType::get(
      shape, getUniformType(
                 in.getExpressedType(), 32, /*isSigned=*/true, scales, zeros,
                 w.isPerAxis() ? std::optional<int64_t>(axis) : std::nullopt));
}

/// The output of a QLinear op: `accumulator` requantized to the parameters
/// of inputs `scale` and `zeroPoint` (the zero point's type is the
/// storage), with ONNX's rounding.
FailureOr<Value> requantizeOutput(NodeContext &ctx, Value accumulator,
                                  unsigned scale, unsigned zeroPoint) {
  IntegerType storage =
      IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  if (DenseElementsAttr zp = ctx.getConstantInput(zeroPoint))
    storage = dyn_cast<IntegerType>(zp.getElementType());
  if (!storage || storage.getWidth() != 8)
    return ctx.fail(ctx.getOpType() + " output zero point must be uint8 or "
                                      "int8");
  auto type = cast<RankedTensorType>(accumulator.getType());
  FailureOr<quant::QuantizedType> element =
      getQuantizedType(ctx, type, storage, {0, scale, zeroPoint, 0});
  if (failed(element))
    return failure();
  if (QuantParams::get(*element)->isPerAxis())
    return ctx.fail(ctx.getOpType() + " output scale must be one value");
  auto requantize = RequantizeOp::create(ctx.getBuilder(), ctx.getLoc(),
                                         type.clone(*element), accumulator);
  requantize.setRounding(RoundingMode::float_half_even);
  return requantize.getResult();
}

/// The product of a quantized `a` ([..., M, K]) and constant weights `b`
/// ([K, N], per tensor or per column); the operands' parameters located by
/// `a` and `b`.
FailureOr<Value> emitProduct(NodeContext &ctx, QuantizedOperand a,
                             QuantizedOperand b) {
  RankedTensorType aType = ctx.getInputType(a.index);
  RankedTensorType bType = ctx.getInputType(b.index);
  if (aType.getRank() < 2 || bType.getRank() != 2)
    return ctx.fail(ctx.getOpType() + " multiplies " +
                    formatShape(aType.getShape()) + " by " +
                    formatShape(bType.getShape()) +
                    "; the importer supports [..., M, K] by a constant [K, N]");
  if (!ctx.getConstantInput(b.index))
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(b.index) +
                    "' must be constant (products of two encrypted tensors "
                    "are not supported)");
  int64_t k = aType.getShape().back();
  if (!ShapedType::isDynamic(k) && k != bType.getDimSize(0))
    return ctx.fail(ctx.getOpType() + " contracts " +
                    formatShape(aType.getShape()) + " with " +
                    formatShape(bType.getShape()));
  a.axis = aType.getRank() - 1;
  b.axis = 1;
  FailureOr<Value> lhs = getQuantizedOperand(ctx, a);
  FailureOr<Value> rhs = getQuantizedOperand(ctx, b);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (QuantParams::get(lhs->getType())->isPerAxis())
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(a.index) +
                    "' must be quantized per tensor");
  SmallVector<int64_t> shape(aType.getShape().drop_back());
  shape.push_back(bType.getDimSize(1));
  return MatmulOp::create(
             ctx.getBuilder(), ctx.getLoc(),
             getAccumulatorType(*lhs, *rhs, shape, shape.size() - 1), *lhs,
             *rhs, Value(), IntegerAttr())
      .getResult();
}

/// The convolution of a quantized NCHW `x` by constant weights `w` (per
/// tensor or per filter), with an optional int32 `bias` input.
FailureOr<Value> emitConvolution(NodeContext &ctx, QuantizedOperand x,
                                 QuantizedOperand w,
                                 std::optional<unsigned> bias) {
  RankedTensorType inputType = ctx.getInputType(x.index);
  RankedTensorType filterType = ctx.getInputType(w.index);
  if (inputType.getRank() != 4 || filterType.getRank() != 4)
    return ctx.fail(ctx.getOpType() + " supports 2-D convolutions (NCHW "
                                      "input, FCHW weights)");
  if (!ctx.getConstantInput(w.index))
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(w.index) +
                    "' must be constant");
  ArrayRef<int64_t> shape = inputType.getShape();
  ArrayRef<int64_t> filter = filterType.getShape();
  int64_t channels = shape[1], filters = filter[0];
  int64_t group = ctx.getInt("group", 1);
  if (group != 1 &&
      !(group == channels && filter[1] == 1 && filters == channels))
    return ctx.failAttr("group", Twine(group),
                        "the importer supports group=1 and depthwise "
                        "convolutions (group = input channels = filters)");
  if (group == 1 && filter[1] != channels)
    return ctx.fail(ctx.getOpType() + " weight " + formatShape(filter) +
                    " does not match the " + Twine(channels) +
                    " input channels");
  SmallVector<int64_t> kernel{filter[2], filter[3]};
  if (ctx.getInts("kernel_shape", kernel) != kernel)
    return ctx.failAttr("kernel_shape",
                        formatShape(ctx.getInts("kernel_shape")),
                        "it differs from the weight's " + formatShape(kernel));
  FailureOr<Window> window =
      resolveWindow(ctx, shape.drop_front(2), kernel, /*allowDilations=*/true);
  if (failed(window))
    return failure();
  x.axis = 1;
  w.axis = 0;
  FailureOr<Value> input = getQuantizedOperand(ctx, x);
  FailureOr<Value> weights = getQuantizedOperand(ctx, w);
  if (failed(input) || failed(weights))
    return failure();
  if (QuantParams::get(input->getType())->isPerAxis())
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(x.index) +
                    "' must be quantized per tensor");
  RankedTensorType accType = getAccumulatorType(
      *input, *weights,
      {shape[0], filters, window->output[0], window->output[1]}, 1);
  Value biasValue;
  if (bias && ctx.hasInput(*bias)) {
    // The bias is int32 at the accumulator's scales, zero point 0.
    RankedTensorType biasType = ctx.getInputType(*bias);
    QuantParams acc = *QuantParams::get(accType);
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != filters)
      return ctx.fail(ctx.getOpType() + " bias " +
                      formatShape(biasType.getShape()) +
                      " does not match the " + Twine(filters) + " filters");
    quant::QuantizedType element = getUniformType(
        acc.getExpressedType(), 32, true, acc.getScales(), acc.getZeroPoints(),
        acc.isPerAxis() ? std::optional<int64_t>(0) : std::nullopt);
    FailureOr<Value> quantizedBias = getQuantizedInput(ctx, *bias, element);
    if (failed(quantizedBias))
      return failure();
    biasValue = *quantizedBias;
  }
  OpBuilder &b = ctx.getBuilder();
  SmallVector<int64_t> padding{window->padBegin[0], window->padBegin[1],
                               window->padEnd[0], window->padEnd[1]};
  return Conv2DOp::create(b, ctx.getLoc(), accType, *input, *weights, biasValue,
                          b.getDenseI64ArrayAttr(window->strides),
                          b.getDenseI64ArrayAttr(window->dilations),
                          b.getDenseI64ArrayAttr(padding),
                          b.getI64IntegerAttr(group), IntegerAttr())
      .getResult();
}

/// Sets the node's result to the accumulator `acc` requantized into the
/// output scale and zero point (inputs 6 and 7) of QLinearMatMul and
/// QLinearConv.
LogicalResult setRequantizedResult(NodeContext &ctx, FailureOr<Value> acc) {
  if (failed(acc))
    return failure();
  FailureOr<Value> output = requantizeOutput(ctx, *acc, 6, 7);
  if (failed(output))
    return failure();
  ctx.setResult(0, *output);
  return success();
}

LogicalResult emitQLinearMatMul(NodeContext &ctx) {
  return setRequantizedResult(ctx,
                              emitProduct(ctx, {0, 1, 2, 0}, {3, 4, 5, 0}));
}

LogicalResult emitQLinearConv(NodeContext &ctx) {
  return setRequantizedResult(
      ctx, emitConvolution(ctx, {0, 1, 2, 0}, {3, 4, 5, 0}, 8));
}

LogicalResult emitMatMulInteger(NodeContext &ctx) {
  FailureOr<Value> acc =
      emitProduct(ctx, {0, std::nullopt, 2, 0}, {1, std::nullopt, 3, 0});
  if (failed(acc))
    return failure();
  ctx.setResult(0, *acc);
  return success();
}

LogicalResult emitConvInteger(NodeContext &ctx) {
  FailureOr<Value> acc = emitConvolution(ctx, {0, std::nullopt, 2, 0},
                                         {1, std::nullopt, 3, 0}, std::nullopt);
  if (failed(acc))
    return failure();
  ctx.setResult(0, *acc);
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addQLinearOps(OpTable &table) {
  SmallVector<AttrSpec> convAttrs = getWindowAttrSpecs(
      {{"dilations", AttrKind::Ints}, {"group", AttrKind::Int}});
  table["QLinearMatMul"] = {emitQLinearMatMul, 8, 8, 1, {}, {1, 4, 6}};
  table["QLinearConv"] = {emitQLinearConv, 8, 9, 1, convAttrs, {1, 4, 6}};
  table["MatMulInteger"] = {emitMatMulInteger, 2, 4, 1, {}, {}};
  table["ConvInteger"] = {emitConvInteger, 2, 4, 1, convAttrs, {}};
}
