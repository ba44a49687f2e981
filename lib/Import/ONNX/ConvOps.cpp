//===- ConvOps.cpp - 1-D and 2-D convolutions -----------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Conv as torch-mlir emits it: `tensor.pad` with zeros when there is padding,
// `linalg.conv_2d_nchw_fchw` (or `linalg.depthwise_conv_2d_nchw_chw` when
// every channel has its own filter) into a zero-filled tensor, then the bias
// added per output channel by a `linalg.generic`. A 1-D convolution is the
// 2-D one of its data and filter with a unit height, its result collapsed
// back. A convolution in groups (ResNeXt, a depthwise one with a channel
// multiplier) is the dense convolution of block-diagonal weights, zero
// between groups: the quantizer sees the form it knows, and the zeros add
// nothing to any accumulator's range.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The weights [F, C / G, k...] of a convolution in `groups` groups as the
/// weights [F, C, k...] of one dense convolution: the filters of group g read
/// the channels of group g through their own weights and every other
/// channel through zeros.
DenseElementsAttr expandGroupedWeights(DenseElementsAttr weights,
                                       int64_t groups) {
  ArrayRef<int64_t> shape = weights.getType().getShape();
  int64_t filters = shape[0], groupChannels = shape[1];
  int64_t kernelSize = getStaticProduct(shape.drop_front(2));
  int64_t filtersPerGroup = filters / groups;
  SmallVector<float> values = getFloatValues(weights);
  SmallVector<float> dense(filters * groupChannels * groups * kernelSize, 0.f);
  for (int64_t f = 0; f < filters; ++f) {
    int64_t firstChannel = f / filtersPerGroup * groupChannels;
    for (int64_t c = 0; c < groupChannels; ++c)
      std::copy_n(
          values.begin() + (f * groupChannels + c) * kernelSize, kernelSize,
          dense.begin() +
              (f * groupChannels * groups + firstChannel + c) * kernelSize);
  }
  SmallVector<int64_t> denseShape(shape);
  denseShape[1] = groupChannels * groups;
  return DenseElementsAttr::get(
      RankedTensorType::get(denseShape, weights.getElementType()),
      ArrayRef<float>(dense));
}

/// Adds `bias` (one value per channel, dimension 1) to the NCHW `input`.
Value addChannelBias(OpBuilder &builder, Location loc, Value input,
                     Value bias) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *context = builder.getContext();
  AffineMap identity = builder.getMultiDimIdentityMap(type.getRank());
  AffineMap channel =
      AffineMap::get(type.getRank(), 0, getAffineDimExpr(1, context));
  return buildGeneric(builder, loc, {input, bias}, {identity, channel}, type,
                      [](OpBuilder &b, Location l, ValueRange args) {
                        return arith::AddFOp::create(b, l, args[0], args[1]);
                      });
}

LogicalResult emitConv(NodeContext &ctx) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  RankedTensorType inputType = ctx.getInputType(0);
  int64_t rank = inputType.getRank();
  if (rank != 3 && rank != 4)
    return ctx.fail("Conv input '" + ctx.getInputName(0) + "' has rank " +
                    Twine(rank) +
                    "; the importer supports 1-D and 2-D convolutions (NCL, "
                    "NCHW)");
  if (failed(ctx.requireRank(1, rank)))
    return failure();
  ArrayRef<int64_t> x = inputType.getShape();
  ArrayRef<int64_t> w = ctx.getInputType(1).getShape();
  int64_t channels = x[1], filters = w[0];

  SmallVector<int64_t> kernel(w.drop_front(2));
  if (ctx.getInts("kernel_shape", kernel) != kernel)
    return ctx.failAttr("kernel_shape",
                        formatShape(ctx.getInts("kernel_shape")),
                        "it differs from the weight's " + formatShape(kernel));
  int64_t group = ctx.getInt("group", 1);
  if (group < 1 || channels % group != 0 || filters % group != 0)
    return ctx.failAttr("group", Twine(group),
                        "it must divide the " + Twine(channels) +
                            " input channels and the " + Twine(filters) +
                            " filters");
  if (w[1] * group != channels)
    return ctx.fail("Conv weight " + formatShape(w) + " does not match the " +
                    Twine(channels) + " input channels" +
                    (group == 1 ? Twine() : " in " + Twine(group) + " groups"));
  // Every channel convolved with its own filter; other groupings run as one
  // dense convolution.
  bool depthwise = group > 1 && group == channels && filters == channels;
  bool grouped = group > 1 && !depthwise;
  if (grouped) {
    if (failed(ctx.requireConstant(1, "weight of a convolution in groups")))
      return failure();
    if (getStaticProduct(w) > kMaxElements / group)
      return ctx.fail("grouped Conv weight " + formatShape(w) + " in " +
                      Twine(group) + " groups would expand to more than " +
                      Twine(kMaxElements) + " dense weights");
  }
  if (ctx.hasInput(2)) {
    ArrayRef<int64_t> bias = ctx.getInputType(2).getShape();
    if (bias.size() != 1 || bias[0] != filters)
      return ctx.fail("Conv bias " + formatShape(bias) +
                      " does not match the " + Twine(filters) + " filters");
  }

  FailureOr<Window> window =
      resolveWindow(ctx, x.drop_front(2), kernel, /*allowDilations=*/true);
  if (failed(window))
    return failure();
  // A 1-D convolution runs as the 2-D one of its data with a unit height.
  SmallVector<int64_t> planarInput = toPlanarShape(x);
  SmallVector<int64_t> planarWeight = toPlanarShape(w);
  Value input =
      window->pad(builder, loc, getReshapedInput(ctx, 0, planarInput), 0.0);
  auto resultType = RankedTensorType::get(
      {x[0], filters, window->output[0], window->output[1]},
      builder.getF32Type());
  Value init = createFilled(builder, loc, resultType, 0.0, input);
  SmallVector<NamedAttribute> attrs = window->getLinalgAttrs(builder);
  Value result;
  if (depthwise) {
    // The filter [C, 1, kh, kw] as [C, kh, kw].
    Value filter = getReshapedInput(
        ctx, 1, {planarWeight[0], planarWeight[2], planarWeight[3]});
    result = linalg::DepthwiseConv2DNchwChwOp::create(
                 builder, loc, TypeRange{resultType}, ValueRange{input, filter},
                 ValueRange{init}, attrs)
                 .getResult(0);
  } else {
    Value filter;
    if (grouped) {
      DenseElementsAttr dense =
          expandGroupedWeights(ctx.getConstantInput(1), group);
      planarWeight[1] = channels;
      filter =
          arith::ConstantOp::create(builder, loc,
                                    dense.reshape(RankedTensorType::get(
                                        planarWeight, dense.getElementType())));
    } else {
      filter = getReshapedInput(ctx, 1, planarWeight);
    }
    result = linalg::Conv2DNchwFchwOp::create(
                 builder, loc, TypeRange{resultType}, ValueRange{input, filter},
                 ValueRange{init}, attrs)
                 .getResult(0);
  }
  if (ctx.hasInput(2))
    result = addChannelBias(builder, loc, result, ctx.getInput(2));
  if (rank == 3)
    result =
        buildReshape(builder, loc, result, {x[0], filters, window->output[1]});
  ctx.setResult(0, result);
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addConvOps(OpTable &table) {
  table["Conv"] = {emitConv,
                   2,
                   3,
                   1,
                   getWindowAttrSpecs({{"dilations", AttrKind::Ints},
                                       {"group", AttrKind::Int}}),
                   {0, 1, 2}};
}
