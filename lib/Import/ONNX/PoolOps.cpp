//===- PoolOps.cpp - average and max pooling ------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// 1-D pooling ([N, C, L]) is the 2-D pooling of the data with a unit height,
// its result collapsed back. AveragePool: zero padding,
// `linalg.pooling_nchw_sum`, then a division by the window size (or, with
// count_include_pad=0 and padding, by the number of input elements under each
// window). MaxPool: -inf padding and `linalg.pooling_nchw_max` into a -inf
// fill. GlobalAveragePool: a reduction over the spatial dimensions, then a
// division.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// What a pooling node pools: its padded input and the window.
struct Pooling {
  Value input;
  Window window;
  RankedTensorType resultType;
  SmallVector<NamedAttribute> attrs;
  /// The input's shape as 2-D pooling reads it ([N, C, 1, L] for [N, C, L]).
  SmallVector<int64_t> planarInputShape;
  /// Whether the input is [N, C, L], pooled as [N, C, 1, L].
  bool oneDimensional = false;

  /// `result` (of `resultType`) in the input's rank: [N, C, L'] for 1-D
  /// pooling.
  Value toInputRank(OpBuilder &builder, Location loc, Value result) const {
    if (!oneDimensional)
      return result;
    ArrayRef<int64_t> shape = resultType.getShape();
    return buildReshape(builder, loc, result, {shape[0], shape[1], shape[3]});
  }
};

/// Checks the input and kernel of a pooling node, resolves its window and
/// pads its input with `padValue`.
FailureOr<Pooling> preparePooling(NodeContext &ctx, bool allowDilations,
                                  double padValue) {
  OpBuilder &builder = ctx.getBuilder();
  RankedTensorType inputType = ctx.getInputType(0);
  int64_t rank = inputType.getRank();
  if (rank != 3 && rank != 4)
    return ctx.fail(ctx.getOpType() + " input '" + ctx.getInputName(0) +
                    "' has rank " + Twine(rank) +
                    "; the importer supports 1-D and 2-D pooling (NCL, NCHW)");
  SmallVector<int64_t> kernel = ctx.getInts("kernel_shape");
  if (static_cast<int64_t>(kernel.size()) != rank - 2 ||
      llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return ctx.failAttr("kernel_shape", formatShape(kernel),
                        "expected " + Twine(rank - 2) + " positive size" +
                            (rank == 3 ? "" : "s") + " for an input of rank " +
                            Twine(rank));
  ArrayRef<int64_t> x = inputType.getShape();
  FailureOr<Window> window =
      resolveWindow(ctx, x.drop_front(2), kernel, allowDilations);
  if (failed(window))
    return failure();

  Pooling pooling;
  pooling.window = *window;
  pooling.oneDimensional = rank == 3;
  pooling.planarInputShape = toPlanarShape(x);
  Value input = ctx.getInput(0);
  if (pooling.oneDimensional)
    input =
        buildReshape(builder, ctx.getLoc(), input, pooling.planarInputShape);
  pooling.input = window->pad(builder, ctx.getLoc(), input, padValue);
  pooling.resultType = RankedTensorType::get(
      {x[0], x[1], window->output[0], window->output[1]}, builder.getF32Type());
  pooling.attrs = window->getLinalgAttrs(builder);
  return pooling;
}

/// Pools with `PoolOp` into a tensor filled with `initValue`.
template <typename PoolOp>
Value buildPooling(NodeContext &ctx, const Pooling &pooling, double initValue) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value init =
      createFilled(builder, loc, pooling.resultType, initValue, pooling.input);
  Value kernel = tensor::EmptyOp::create(builder, loc, pooling.window.kernel,
                                         builder.getF32Type());
  return PoolOp::create(builder, loc, TypeRange{pooling.resultType},
                        ValueRange{pooling.input, kernel}, ValueRange{init},
                        pooling.attrs)
      .getResult(0);
}

/// Divides every element of `input` by `divisor`.

/// The number of elements of an input of size `size` under each window of
/// the padded input (padding excluded), per output position along one
/// dimension.
SmallVector<int64_t> countPerPosition(int64_t size, const Window &window,
                                      unsigned dim) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < window.output[dim]; ++o) {
    int64_t begin = o * window.strides[dim] - window.padBegin[dim];
    int64_t end = begin + window.kernel[dim];
    counts.push_back(std::min(end, size) - std::max<int64_t>(begin, 0));
  }
  return counts;
}

LogicalResult emitAveragePool(NodeContext &ctx) {
  FailureOr<Pooling> pooling =
      preparePooling(ctx, /*allowDilations=*/false, 0.0);
  if (failed(pooling))
    return failure();
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value sum = buildPooling<linalg::PoolingNchwSumOp>(ctx, *pooling, 0.0);
  const Window &window = pooling->window;
  if (!window.hasPadding() || ctx.getInt("count_include_pad", 0) != 0) {
    ctx.setResult(
        0, pooling->toInputRank(builder, loc,
                                divideBy(builder, loc, sum,
                                         window.kernel[0] * window.kernel[1])));
    return success();
  }

  // Windows over the padding count only the input elements they cover.
  ArrayRef<int64_t> x = pooling->planarInputShape;
  SmallVector<int64_t> rows = countPerPosition(x[2], window, 0);
  SmallVector<int64_t> cols = countPerPosition(x[3], window, 1);
  SmallVector<float> counts;
  for (int64_t r : rows)
    for (int64_t c : cols)
      counts.push_back(static_cast<float>(r * c));
  auto countType = RankedTensorType::get({window.output[0], window.output[1]},
                                         builder.getF32Type());
  Value divisor = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(countType, ArrayRef<float>(counts)));
  Value mean = buildBroadcastGeneric(
      builder, loc, {sum, divisor}, pooling->resultType,
      [](OpBuilder &b, Location l, ValueRange args) {
        return arith::DivFOp::create(b, l, args[0], args[1]);
      });
  ctx.setResult(0, pooling->toInputRank(builder, loc, mean));
  return success();
}

LogicalResult emitMaxPool(NodeContext &ctx) {
  double lowest = -std::numeric_limits<double>::infinity();
  FailureOr<Pooling> pooling =
      preparePooling(ctx, /*allowDilations=*/true, lowest);
  if (failed(pooling))
    return failure();
  Value max = buildPooling<linalg::PoolingNchwMaxOp>(ctx, *pooling, lowest);
  ctx.setResult(0, pooling->toInputRank(ctx.getBuilder(), ctx.getLoc(), max));
  return success();
}

/// The mean over every dimension after the first two, kept as size 1.
LogicalResult emitGlobalAveragePool(NodeContext &ctx) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<bool>> reduced = getGlobalPoolDims(ctx);
  if (failed(reduced))
    return failure();
  Value sum = buildSumOver(builder, loc, ctx.getInput(0), *reduced);
  Value mean =
      divideBy(builder, loc, sum,
               ShapedType::getNumElements(type.getShape().drop_front(2)));
  SmallVector<int64_t> shape(type.getShape().take_front(2));
  shape.append(rank - 2, 1);
  ctx.setResult(0, buildReshape(builder, loc, mean, shape));
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addPoolOps(OpTable &table) {
  table["AveragePool"] = {
      emitAveragePool,
      1,
      1,
      1,
      getWindowAttrSpecs(
          {{"ceil_mode", AttrKind::Int}, {"count_include_pad", AttrKind::Int}}),
      {0}};
  table["MaxPool"] = {emitMaxPool,
                      1,
                      1,
                      1,
                      getWindowAttrSpecs({{"ceil_mode", AttrKind::Int},
                                          {"dilations", AttrKind::Ints},
                                          {"storage_order", AttrKind::Int}}),
                      {0}};
  table["GlobalAveragePool"] = {emitGlobalAveragePool, 1, 1, 1, {}, {0}};
}
