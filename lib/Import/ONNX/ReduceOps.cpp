//===- ReduceOps.cpp - sums and means over dimensions ---------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// ReduceSum and ReduceMean (PyTorch's `x.sum(dim)` and `x.mean(dim)`, a
// global average pool written as `x.mean(dim=(2, 3))`) as the sum over the
// reduced dimensions that GlobalAveragePool emits (a `linalg.generic` with
// reduction iterators into a zero fill), a division by the count for the
// mean, and a reshape that keeps the reduced dimensions as 1 (keepdims).
// ReduceSumSquare sums the squares, ReduceL2 (F.normalize's norm) takes the
// square root of that sum. Reducing over the dynamic batch would mix the
// samples: an error. ReduceMax, ReduceMin (the negated max of the negated
// input) and GlobalMaxPool as a max pool: the reduced dimensions moved last and
// collapsed into one window.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/Sequence.h"
#include "llvm/ADT/SmallSet.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The axes of a reduction: an attribute (ReduceMean up to opset 17,
/// ReduceSum before 13) or input 1 (ReduceSum from opset 13). Empty when
/// absent.
FailureOr<SmallVector<int64_t>> getReductionAxes(NodeContext &ctx,
                                                 bool axesInput) {
  if (!axesInput)
    return ctx.getInts("axes");
  if (ctx.hasAttr("axes"))
    return ctx.failAttr("axes", formatShape(ctx.getInts("axes")),
                        "since opset 13 'axes' of ReduceSum is an input");
  if (!ctx.hasInput(1))
    return SmallVector<int64_t>();
  return getIntList(ctx, 1, "axes");
}

/// The dimensions a reduction reduces (no axes: every one), checked; an
/// empty vector when it is the identity (noop_with_empty_axes).
FailureOr<SmallVector<bool>> getReducedDims(NodeContext &ctx, bool axesInput) {
  FailureOr<SmallVector<int64_t>> axes = getReductionAxes(ctx, axesInput);
  if (failed(axes))
    return failure();
  RankedTensorType type = ctx.getInputType(0);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (axes->empty() && axesInput && ctx.getInt("noop_with_empty_axes", 0))
    return SmallVector<bool>();
  SmallVector<bool> reduced(rank, axes->empty());
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t axis : *axes) {
    std::optional<int64_t> normalized = normalizeAxis(axis, rank);
    if (!normalized || !seen.insert(*normalized).second)
      return ctx.fail(ctx.getOpType() + " axes " + formatShape(*axes) +
                      " are out of range or repeated for rank " + Twine(rank));
    reduced[*normalized] = true;
  }
  if (rank > 0 && reduced[0] && type.isDynamicDim(0))
    return ctx.fail(ctx.getOpType() + " over the dynamic batch dimension " +
                    "(axis 0) of " + formatShape(shape) +
                    " mixes the samples; it is not supported");
  return reduced;
}

/// `result`, the reduction of input 0 over `reduced` with those dimensions
/// dropped, with them kept as 1 when keepdims (default 1).
Value keepDims(NodeContext &ctx, Value result, ArrayRef<bool> reduced) {
  if (!ctx.getInt("keepdims", 1))
    return result;
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  SmallVector<int64_t> kept;
  for (auto [dim, size] : llvm::enumerate(shape))
    kept.push_back(reduced[dim] ? 1 : size);
  return buildReshape(ctx.getBuilder(), ctx.getLoc(), result, kept);
}

/// The sums ReduceSum, ReduceMean, ReduceSumSquare and ReduceL2 take.
enum class SumKind { Sum, Mean, SumSquare, L2 };

/// ReduceSum, ReduceMean (the sum divided by the count), ReduceSumSquare
/// (the sum of the squares) or ReduceL2 (its square root).
LogicalResult emitReduce(NodeContext &ctx, SumKind kind) {
  bool axesInput = kind == SumKind::Sum && ctx.getOpset() >= 13;
  FailureOr<SmallVector<bool>> reduced = getReducedDims(ctx, axesInput);
  if (failed(reduced))
    return failure();
  if (reduced->empty()) {
    ctx.forwardInput(0);
    return success();
  }
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  int64_t rank = shape.size();
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value input = ctx.getInput(0);
  bool squares = kind == SumKind::SumSquare || kind == SumKind::L2;
  if (squares)
    input = buildUnary(builder, loc, input,
                       [](OpBuilder &b, Location l, ValueRange args) {
                         return arith::MulFOp::create(b, l, args[0], args[0]);
                       });
  Value result = buildSumOver(builder, loc, input, *reduced);
  if (kind == SumKind::Mean) {
    int64_t count = 1;
    for (int64_t dim = 0; dim < rank; ++dim)
      if ((*reduced)[dim])
        count *= shape[dim];
    result = divideBy(builder, loc, result, static_cast<double>(count));
  }
  if (kind == SumKind::L2)
    result = buildUnary(builder, loc, result,
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return math::SqrtOp::create(b, l, args[0]);
                        });
  ctx.setResult(0, keepDims(ctx, result, *reduced));
  return success();
}

/// The largest element of `input` over the dimensions `reduced` marks (not
/// dimension 0), those dimensions dropped: a max pool. The reduced
/// dimensions are moved last and collapsed into one, L, the others after
/// the batch into one, C, and `linalg.pooling_nchw_max` runs a [1, L]
/// window over [N, C, 1, L] (the form the quantizer knows for max pools).
Value buildMaxOver(OpBuilder &builder, Location loc, Value input,
                   ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> permutation{0}, keptShape{shape[0]};
  int64_t channels = 1, length = 1;
  for (auto [dim, size] : llvm::enumerate(shape))
    if (dim > 0 && !reduced[dim]) {
      permutation.push_back(dim);
      keptShape.push_back(size);
      channels *= size;
    }
  for (auto [dim, size] : llvm::enumerate(shape))
    if (dim > 0 && reduced[dim]) {
      permutation.push_back(dim);
      length *= size;
    }
  if (!llvm::equal(permutation,
                   llvm::seq<int64_t>(0, static_cast<int64_t>(shape.size()))))
    input = buildTranspose(builder, loc, input, permutation);
  Value planar =
      buildReshape(builder, loc, input, {shape[0], channels, 1, length});
  Type f32 = builder.getF32Type();
  auto resultType = RankedTensorType::get({shape[0], channels, 1, 1}, f32);
  Value init = createFilled(builder, loc, resultType,
                            -std::numeric_limits<double>::infinity(), planar);
  Value window =
      tensor::EmptyOp::create(builder, loc, ArrayRef<int64_t>{1, length}, f32);
  Value pooled = linalg::PoolingNchwMaxOp::create(
                     builder, loc, TypeRange{resultType},
                     ValueRange{planar, window}, ValueRange{init},
                     ArrayRef<NamedAttribute>{
                         builder.getNamedAttr("dilations",
                                              builder.getI64TensorAttr({1, 1})),
                         builder.getNamedAttr(
                             "strides", builder.getI64TensorAttr({1, 1}))})
                     .getResult(0);
  return buildReshape(builder, loc, pooled, keptShape);
}

/// ReduceMax, or ReduceMin (`min`: the negated max of the negated input).
LogicalResult emitReduceExtremum(NodeContext &ctx, bool min) {
  FailureOr<SmallVector<bool>> reduced =
      getReducedDims(ctx, /*axesInput=*/false);
  if (failed(reduced))
    return failure();
  if (!reduced->empty() && (*reduced)[0])
    return ctx.fail(ctx.getOpType() +
                    " over the batch dimension (axis 0) is not supported");
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  auto negate = [&](Value value) {
    return buildUnary(builder, loc, value,
                      [](OpBuilder &b, Location l, ValueRange args) {
                        return arith::NegFOp::create(b, l, args[0]);
                      });
  };
  Value input = ctx.getInput(0);
  if (min)
    input = negate(input);
  Value result = buildMaxOver(builder, loc, input, *reduced);
  if (min)
    result = negate(result);
  ctx.setResult(0, keepDims(ctx, result, *reduced));
  return success();
}

LogicalResult emitReduceMax(NodeContext &ctx) {
  return emitReduceExtremum(ctx, false);
}
LogicalResult emitReduceMin(NodeContext &ctx) {
  return emitReduceExtremum(ctx, true);
}

/// GlobalMaxPool: the max over every dimension after the first two, kept
/// as 1.
LogicalResult emitGlobalMaxPool(NodeContext &ctx) {
  FailureOr<SmallVector<bool>> reduced = getGlobalPoolDims(ctx);
  if (failed(reduced))
    return failure();
  ctx.setResult(0, keepDims(ctx,
                            buildMaxOver(ctx.getBuilder(), ctx.getLoc(),
                                         ctx.getInput(0), *reduced),
                            *reduced));
  return success();
}

LogicalResult emitReduceSum(NodeContext &ctx) {
  return emitReduce(ctx, SumKind::Sum);
}
LogicalResult emitReduceMean(NodeContext &ctx) {
  return emitReduce(ctx, SumKind::Mean);
}
LogicalResult emitReduceSumSquare(NodeContext &ctx) {
  return emitReduce(ctx, SumKind::SumSquare);
}
LogicalResult emitReduceL2(NodeContext &ctx) {
  return emitReduce(ctx, SumKind::L2);
}

} // namespace

void mlir::qfhe::onnx_import::addReduceOps(OpTable &table) {
  SmallVector<AttrSpec> axesAttrs{{"axes", AttrKind::Ints},
                                  {"keepdims", AttrKind::Int}};
  table["ReduceSum"] = {emitReduceSum,
                        1,
                        2,
                        1,
                        {{"axes", AttrKind::Ints},
                         {"keepdims", AttrKind::Int},
                         {"noop_with_empty_axes", AttrKind::Int}},
                        {0}};
  table["ReduceMax"] = {emitReduceMax, 1, 1, 1, axesAttrs, {0}};
  table["ReduceMin"] = {emitReduceMin, 1, 1, 1, axesAttrs, {0}};
  table["GlobalMaxPool"] = {emitGlobalMaxPool, 1, 1, 1, {}, {0}};
  table["ReduceMean"] = {emitReduceMean, 1, 1, 1, axesAttrs, {0}};
  table["ReduceSumSquare"] = {emitReduceSumSquare, 1, 1, 1, axesAttrs, {0}};
  table["ReduceL2"] = {emitReduceL2, 1, 1, 1, axesAttrs, {0}};
}
