//===- NormalizationOps.cpp - normalizations and Softmax
//-------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// BatchNormalization in inference mode folds into one `linalg.generic`
// computing x * a_c + b_c with per-channel constants a = gamma / sqrt(var +
// eps) and b = beta - mean * a. InstanceNormalization and LayerNormalization
// standardize each sample over their dimensions with the operations PyTorch
// exports for LayerNorm at older opsets, then scale and shift. Softmax
// becomes `linalg.softmax`; it is only accepted as the last operation,
// feeding a graph output.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

LogicalResult emitBatchNormalization(NodeContext &ctx) {
  if (ctx.getInt("training_mode", 0) != 0)
    return ctx.failAttr("training_mode", "1",
                        "only inference (training_mode=0) is supported");
  RankedTensorType type = ctx.getInputType(0);
  if (type.getRank() < 2)
    return ctx.fail("BatchNormalization input '" + ctx.getInputName(0) +
                    "' has rank " + Twine(type.getRank()) +
                    "; expected at least 2 (N, C, ...)");
  int64_t channels = type.getDimSize(1);
  static const char *const roles[] = {"scale", "bias", "mean", "variance"};
  SmallVector<SmallVector<float>> params;
  for (unsigned i = 1; i <= 4; ++i) {
    if (failed(ctx.requireConstant(i, roles[i - 1])))
      return failure();
    DenseElementsAttr data = ctx.getConstantInput(i);
    if (data.getType().getRank() != 1 || data.getNumElements() != channels)
      return ctx.fail("BatchNormalization " + Twine(roles[i - 1]) + " " +
                      formatShape(data.getType().getShape()) +
                      " does not match the " + Twine(channels) + " channels");
    params.push_back(getFloatValues(data));
  }

  // Folded in double, rounded once to f32.
  double epsilon = ctx.getFloat("epsilon", 1e-5f);
  if (!std::isfinite(epsilon) || epsilon < 0)
    return ctx.failAttr("epsilon", formatFloat(epsilon),
                        "expected a finite value >= 0");
  for (int64_t c = 0; c < channels; ++c) {
    for (unsigned i = 0; i < 4; ++i)
      if (!std::isfinite(params[i][c]))
        return ctx.fail("BatchNormalization " + Twine(roles[i]) +
                        " of channel " + Twine(c) + " is " +
                        formatFloat(params[i][c]) + "; it must be finite");
    if (!(double(params[3][c]) + epsilon > 0))
      return ctx.fail("BatchNormalization variance of channel " + Twine(c) +
                      " is " + formatFloat(params[3][c]) + " (epsilon " +
                      formatFloat(epsilon) +
                      "): a variance is positive, its square root is "
                      "taken");
  }
  SmallVector<float> a, b;
  for (int64_t c = 0; c < channels; ++c) {
    double factor = params[0][c] / std::sqrt(double(params[3][c]) + epsilon);
    a.push_back(static_cast<float>(factor));
    b.push_back(static_cast<float>(params[1][c] - params[2][c] * factor));
  }
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  auto vectorType = RankedTensorType::get({channels}, builder.getF32Type());
  Value scale = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(vectorType, ArrayRef<float>(a)));
  Value shift = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(vectorType, ArrayRef<float>(b)));
  int64_t rank = type.getRank();
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(1, builder.getContext()));
  ctx.setResult(
      0, buildGeneric(builder, loc, {ctx.getInput(0), scale, shift},
                      {builder.getMultiDimIdentityMap(rank), channel, channel},
                      type.clone(builder.getF32Type()),
                      [](OpBuilder &b, Location l, ValueRange args) {
                        Value scaled =
                            arith::MulFOp::create(b, l, args[0], args[1]);
                        return arith::AddFOp::create(b, l, scaled, args[2]);
                      }));
  return success();
}

/// Softmax along `axis` (default -1 since opset 13). Before opset 13 the
/// input is seen as a matrix [prod(d0..axis-1), prod(axis..)] (axis default
/// 1): the dimensions from `axis` on are collapsed, normalized together and
/// expanded back.
/// Softmax, or with `logarithm` LogSoftmax (the log of the softmax).
LogicalResult emitSoftmaxOrLog(NodeContext &ctx, bool logarithm) {
  StringRef name = ctx.getOpType();
  if (!ctx.isFinalOutput(0))
    return ctx.fail(name + " is only supported as the last operation, "
                           "feeding a graph output");
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  bool flattening = ctx.getOpset() < 13;
  int64_t attr = ctx.getInt("axis", flattening ? 1 : -1);
  std::optional<int64_t> axis = normalizeAxis(attr, rank);
  if (!axis)
    return ctx.failAttr("axis", Twine(attr),
                        "out of range for rank " + Twine(rank));
  // A dynamic first dimension is the batch: normalizing along it would mix
  // the samples, which the compiled program computes one at a time.
  if (*axis == 0 && type.isDynamicDim(0))
    return ctx.fail(name + (flattening
                                ? " over all dimensions of a tensor with a "
                                  "dynamic batch is not supported"
                                : " along the dynamic batch dimension (axis "
                                  "0) mixes the samples; it is not "
                                  "supported"));
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value input = ctx.getInput(0);
  if (flattening && *axis != rank - 1) {
    SmallVector<int64_t> shape(type.getShape().take_front(*axis));
    shape.push_back(
        ShapedType::getNumElements(type.getShape().drop_front(*axis)));
    input = buildReshape(builder, loc, input, shape);
  }
  auto softmaxType = cast<RankedTensorType>(input.getType());
  Value init = createEmpty(builder, loc, softmaxType, input);
  Value result =
      linalg::SoftmaxOp::create(builder, loc, TypeRange{softmaxType}, input,
                                init, static_cast<uint64_t>(*axis))
          .getResult()[0];
  if (logarithm)
    result = buildUnary(builder, loc, result,
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return math::LogOp::create(b, l, args[0]);
                        });
  ctx.setResult(0, buildReshape(builder, loc, result, type.getShape()));
  return success();
}

/// (x - mean) / sqrt(variance + epsilon), the mean and the biased variance
/// taken over the dimensions `reduced` marks. These are the operations
/// PyTorch exports for LayerNorm before opset 17 (ReduceMean, Sub, Pow,
/// ReduceMean, Add, Sqrt, Div), so that every normalization reaches the
/// quantizer in one form.
Value buildStandardize(OpBuilder &builder, Location loc, Value input,
                       ArrayRef<bool> reduced, double epsilon) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> keptShape;
  int64_t count = 1;
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    keptShape.push_back(reduced[dim] ? 1 : size);
    if (reduced[dim])
      count *= size;
  }
  auto meanOver = [&](Value value) {
    Value sum = buildSumOver(builder, loc, value, reduced);
    return buildReshape(builder, loc,
                        divideBy(builder, loc, sum, static_cast<double>(count)),
                        keptShape);
  };
  Value centered = buildBroadcastGeneric(
      builder, loc, {input, meanOver(input)}, type,
      [](OpBuilder &b, Location l, ValueRange args) {
        return arith::SubFOp::create(b, l, args[0], args[1]);
      });
  Value squares = buildUnary(
      builder, loc, centered, [](OpBuilder &b, Location l, ValueRange args) {
        return arith::MulFOp::create(b, l, args[0], args[0]);
      });
  Value deviation = buildUnary(builder, loc, meanOver(squares),
                               [&](OpBuilder &b, Location l, ValueRange args) {
                                 Value shifted = arith::AddFOp::create(
                                     b, l, args[0], createF32(b, l, epsilon));
                                 return math::SqrtOp::create(b, l, shifted);
                               });
  return buildBroadcastGeneric(builder, loc, {centered, deviation}, type,
                               [](OpBuilder &b, Location l, ValueRange args) {
                                 return arith::DivFOp::create(b, l, args[0],
                                                              args[1]);
                               });
}

/// The standardized `input` of InstanceNormalization or LayerNormalization
/// times input 1 (the scale), plus input 2 (the bias) when there is one,
/// both read with the shape `paramShape` broadcast numpy-style.
Value scaleAndShift(NodeContext &ctx, Value input,
                    ArrayRef<int64_t> paramShape) {
  SmallVector<Value> operands{input, getReshapedInput(ctx, 1, paramShape)};
  if (ctx.hasInput(2))
    operands.push_back(getReshapedInput(ctx, 2, paramShape));
  return buildBroadcastGeneric(
      ctx.getBuilder(), ctx.getLoc(), operands,
      cast<RankedTensorType>(input.getType()),
      [](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value scaled = arith::MulFOp::create(b, l, args[0], args[1]);
        if (args.size() == 2)
          return scaled;
        return arith::AddFOp::create(b, l, scaled, args[2]);
      });
}

/// Whether input `index` (a scale or bias) holds `expected` elements.
LogicalResult checkParamSize(NodeContext &ctx, unsigned index, int64_t expected,
                             StringRef what) {
  if (!ctx.hasInput(index))
    return success();
  RankedTensorType type = ctx.getInputType(index);
  if (type.hasStaticShape() && type.getNumElements() == expected)
    return success();
  return ctx.fail(ctx.getOpType() + " " + (index == 1 ? "scale" : "bias") +
                  " '" + ctx.getInputName(index) + "' of shape " +
                  formatShape(ctx.getInputType(index).getShape()) +
                  " does not match " + what);
}

/// InstanceNormalization: every channel of every sample standardized over
/// its spatial dimensions, then scaled and shifted per channel (GroupNorm
/// exports as this between reshapes).
LogicalResult emitInstanceNormalization(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  if (rank < 3)
    return ctx.fail("InstanceNormalization input '" + ctx.getInputName(0) +
                    "' has rank " + Twine(rank) +
                    "; expected at least 3 (N, C, D1, ...)");
  int64_t channels = type.getDimSize(1);
  std::string what = "the " + std::to_string(channels) + " channels";
  for (unsigned index : {1u, 2u})
    if (failed(checkParamSize(ctx, index, channels, what)))
      return failure();
  SmallVector<bool> reduced(rank, true);
  reduced[0] = reduced[1] = false;
  Value result =
      buildStandardize(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0), reduced,
                       ctx.getFloat("epsilon", 1e-5f));
  SmallVector<int64_t> paramShape(rank - 1, 1);
  paramShape[0] = channels;
  ctx.setResult(0, scaleAndShift(ctx, result, paramShape));
  return success();
}

/// LayerNormalization (opset 17): every sample standardized over the
/// dimensions from `axis` on, then scaled and shifted elementwise over them.
LogicalResult emitLayerNormalization(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  int64_t attr = ctx.getInt("axis", -1);
  std::optional<int64_t> axis = normalizeAxis(attr, rank);
  if (!axis)
    return ctx.failAttr("axis", Twine(attr),
                        "out of range for rank " + Twine(rank));
  if (*axis == 0 && type.isDynamicDim(0))
    return ctx.fail("LayerNormalization over the dynamic batch dimension "
                    "(axis 0) mixes the samples; it is not supported");
  if (int64_t stash = ctx.getInt("stash_type", 1); stash != 1)
    return ctx.failAttr("stash_type", Twine(stash),
                        "only float32 statistics (stash_type=1) are "
                        "supported");
  ArrayRef<int64_t> normalized = type.getShape().drop_front(*axis);
  std::string what = "the normalized dimensions " + formatShape(normalized);
  for (unsigned index : {1u, 2u})
    if (failed(checkParamSize(ctx, index, getStaticProduct(normalized), what)))
      return failure();
  SmallVector<bool> reduced(rank, false);
  for (int64_t dim = *axis; dim < rank; ++dim)
    reduced[dim] = true;
  Value result =
      buildStandardize(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0), reduced,
                       ctx.getFloat("epsilon", 1e-5f));
  ctx.setResult(0, scaleAndShift(ctx, result, normalized));
  return success();
}

LogicalResult emitSoftmax(NodeContext &ctx) {
  return emitSoftmaxOrLog(ctx, false);
}
LogicalResult emitLogSoftmax(NodeContext &ctx) {
  return emitSoftmaxOrLog(ctx, true);
}

} // namespace

void mlir::qfhe::onnx_import::addNormalizationOps(OpTable &table) {
  table["BatchNormalization"] = {emitBatchNormalization,
                                 5,
                                 5,
                                 1,
                                 {{"epsilon", AttrKind::Float},
                                  {"momentum", AttrKind::Float},
                                  {"training_mode", AttrKind::Int}},
                                 {0, 1, 2, 3, 4}};
  table["InstanceNormalization"] = {
      emitInstanceNormalization,      3,        3, 1,
      {{"epsilon", AttrKind::Float}}, {0, 1, 2}};
  table["LayerNormalization"] = {emitLayerNormalization,
                                 2,
                                 3,
                                 1,
                                 {{"axis", AttrKind::Int},
                                  {"epsilon", AttrKind::Float},
                                  {"stash_type", AttrKind::Int}},
                                 {0, 1, 2}};
  table["Softmax"] = {emitSoftmax, 1, 1, 1, {{"axis", AttrKind::Int}}, {0}};
  table["LogSoftmax"] = {
      emitLogSoftmax, 1, 1, 1, {{"axis", AttrKind::Int}}, {0}};
}
