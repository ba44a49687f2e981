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
// Reducing over the dynamic batch would mix the samples: an error.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "llvm/ADT/SmallSet.h"

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

/// ReduceSum (`mean` false) or ReduceMean.
LogicalResult emitReduce(NodeContext &ctx, bool mean) {
  bool axesInput = !mean && ctx.getOpset() >= 13;
  FailureOr<SmallVector<int64_t>> axes = getReductionAxes(ctx, axesInput);
  if (failed(axes))
    return failure();
  RankedTensorType type = ctx.getInputType(0);
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  if (axes->empty() && axesInput && ctx.getInt("noop_with_empty_axes", 0)) {
    ctx.forwardInput(0);
    return success();
  }
  // No axes: every dimension.
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
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value result = buildSumOver(builder, loc, ctx.getInput(0), reduced);
  if (mean) {
    int64_t count = 1;
    for (int64_t dim = 0; dim < rank; ++dim)
      if (reduced[dim])
        count *= shape[dim];
    result = divideBy(builder, loc, result, static_cast<double>(count));
  }
  if (ctx.getInt("keepdims", 1)) {
    SmallVector<int64_t> kept;
    for (int64_t dim = 0; dim < rank; ++dim)
      kept.push_back(reduced[dim] ? 1 : shape[dim]);
    result = buildReshape(builder, loc, result, kept);
  }
  ctx.setResult(0, result);
  return success();
}

LogicalResult emitReduceSum(NodeContext &ctx) { return emitReduce(ctx, false); }
LogicalResult emitReduceMean(NodeContext &ctx) { return emitReduce(ctx, true); }

} // namespace

void mlir::qfhe::onnx_import::addReduceOps(OpTable &table) {
  table["ReduceSum"] = {emitReduceSum,
                        1,
                        2,
                        1,
                        {{"axes", AttrKind::Ints},
                         {"keepdims", AttrKind::Int},
                         {"noop_with_empty_axes", AttrKind::Int}},
                        {0}};
  table["ReduceMean"] = {
      emitReduceMean,
      1,
      1,
      1,
      {{"axes", AttrKind::Ints}, {"keepdims", AttrKind::Int}},
      {0}};
}
