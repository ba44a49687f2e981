//===- SliceOps.cpp - Slice and Split -------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Slice (`x[:, 2:6]`, `x[..., ::2]`) and Split (`x.chunk(2, dim=1)`) move
// elements: each output is a `tensor.extract_slice` with static offsets,
// sizes and positive strides, the dynamic batch kept whole.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SmallSet.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// One dimension's part of a slice: elements offset, offset + stride, ...
/// (size of them).
struct DimSlice {
  int64_t offset = 0;
  int64_t size = 0;
  int64_t stride = 1;
};

/// Defines output `index` as the slice of input 0 given per dimension
/// (`slices`, the whole dimension where unset).
void setSlice(NodeContext &ctx, unsigned index,
              ArrayRef<std::optional<DimSlice>> slices) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value input = ctx.getInput(0);
  RankedTensorType type = ctx.getInputType(0);
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> shape;
  for (auto [dim, slice] : llvm::enumerate(slices)) {
    DimSlice whole{0, type.getDimSize(dim), 1};
    DimSlice part = slice ? *slice : whole;
    offsets.push_back(builder.getIndexAttr(part.offset));
    strides.push_back(builder.getIndexAttr(part.stride));
    if (type.isDynamicDim(dim)) {
      sizes.push_back(
          tensor::DimOp::create(builder, loc, input, dim).getResult());
      shape.push_back(ShapedType::kDynamic);
    } else {
      sizes.push_back(builder.getIndexAttr(part.size));
      shape.push_back(part.size);
    }
  }
  auto resultType = type.clone(shape);
  ctx.setResult(index,
                tensor::ExtractSliceOp::create(builder, loc, resultType, input,
                                               offsets, sizes, strides));
}

/// Reads the 1-D integer constant input `index`; `fallback` when absent.
FailureOr<SmallVector<int64_t>> getIntInput(NodeContext &ctx, unsigned index,
                                            StringRef role,
                                            ArrayRef<int64_t> fallback) {
  if (!ctx.hasInput(index))
    return SmallVector<int64_t>(fallback);
  return getIntList(ctx, index, role);
}

/// Slice (opset 10 on: starts, ends, axes and steps are inputs).
LogicalResult emitSlice(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> starts = getIntInput(ctx, 1, "starts", {});
  FailureOr<SmallVector<int64_t>> ends = getIntInput(ctx, 2, "ends", {});
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> allAxes =
      llvm::to_vector(llvm::seq<int64_t>(0, starts->size()));
  FailureOr<SmallVector<int64_t>> axes = getIntInput(ctx, 3, "axes", allAxes);
  SmallVector<int64_t> ones(starts->size(), 1);
  FailureOr<SmallVector<int64_t>> steps = getIntInput(ctx, 4, "steps", ones);
  if (failed(axes) || failed(steps))
    return failure();
  if (ends->size() != starts->size() || axes->size() != starts->size() ||
      steps->size() != starts->size())
    return ctx.fail("Slice starts, ends, axes and steps have different "
                    "lengths");
  DenseElementsAttr data = ctx.getConstantInput(0);
  bool shapeData = data && isa<IntegerType>(data.getElementType());
  if (!shapeData && !type.getElementType().isF32())
    return ctx.fail("Slice input '" + ctx.getInputName(0) +
                    "' must be a float32 tensor or integer data known at "
                    "import time");
  if (shapeData && rank != 1)
    return ctx.fail("Slice of integer data is supported on 1-D shape data "
                    "only");
  SmallVector<std::optional<DimSlice>> slices(rank);
  llvm::SmallSet<int64_t, 4> seen;
  for (auto [i, axisValue] : llvm::enumerate(*axes)) {
    std::optional<int64_t> axis = normalizeAxis(axisValue, rank);
    if (!axis || !seen.insert(*axis).second)
      return ctx.fail("Slice axes " + formatShape(*axes) +
                      " are out of range or repeated for rank " + Twine(rank));
    int64_t step = (*steps)[i];
    if (step <= 0)
      return ctx.fail("Slice step " + Twine(step) + " along axis " +
                      Twine(*axis) + " is not supported (positive steps only)");
    int64_t start = (*starts)[i], end = (*ends)[i];
    if (type.isDynamicDim(*axis)) {
      if (start != 0 || end < std::numeric_limits<int32_t>::max() || step != 1)
        return ctx.fail("Slice of the dynamic batch dimension selects "
                        "samples; it is not supported");
      continue;
    }
    int64_t size = type.getDimSize(*axis);
    auto clampIndex = [size](int64_t index) {
      if (index < 0)
        index = index < -size ? 0 : index + size;
      return std::min(index, size);
    };
    start = clampIndex(start);
    end = clampIndex(end);
    int64_t count = end > start ? (end - start - 1) / step + 1 : 0;
    if (count == 0)
      return ctx.fail("Slice along axis " + Twine(*axis) + " of " +
                      formatShape(type.getShape()) + " is empty");
    slices[*axis] = DimSlice{start, count, step};
  }
  if (shapeData) {
    // Shape computations (`x.shape[1:]`): done on the data.
    DimSlice part = slices[0] ? *slices[0] : DimSlice{0, type.getDimSize(0), 1};
    SmallVector<Attribute> values(data.getValues<Attribute>());
    SmallVector<Attribute> picked;
    for (int64_t k = 0; k < part.size; ++k)
      picked.push_back(values[part.offset + k * part.stride]);
    ctx.setConstantResult(
        0, DenseElementsAttr::get(type.clone({part.size}), picked));
    return success();
  }
  setSlice(ctx, 0, slices);
  return success();
}

/// Split into the node's outputs along `axis`: the sizes of input 1 (opset
/// 13 on) or of the `split` attribute, else equal parts.
LogicalResult emitSplit(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  std::optional<int64_t> axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return ctx.fail("Split axis " + Twine(ctx.getInt("axis", 0)) +
                    " is out of range for rank " + Twine(rank));
  if (type.isDynamicDim(*axis))
    return ctx.fail("Split of the dynamic batch dimension separates "
                    "samples; it is not supported");
  int64_t size = type.getDimSize(*axis);
  unsigned outputs = ctx.getNumOutputs();
  if (outputs == 0)
    return ctx.fail("Split has no outputs");
  SmallVector<int64_t> parts;
  if (ctx.getOpset() >= 13) {
    if (ctx.hasAttr("split"))
      return ctx.failAttr("split", formatShape(ctx.getInts("split")),
                          "since opset 13 'split' is an input");
    FailureOr<SmallVector<int64_t>> sizes = getIntInput(ctx, 1, "split", {});
    if (failed(sizes))
      return failure();
    parts = *sizes;
  } else {
    parts = ctx.getInts("split");
  }
  if (parts.empty()) {
    if (size % outputs != 0)
      return ctx.fail("Split of " + Twine(size) + " elements into " +
                      Twine(outputs) + " equal parts");
    parts.assign(outputs, size / outputs);
  }
  if (parts.size() != outputs ||
      llvm::any_of(parts, [](int64_t part) { return part <= 0; }) ||
      std::accumulate(parts.begin(), parts.end(), int64_t(0)) != size)
    return ctx.fail("Split sizes " + formatShape(parts) + " are not " +
                    Twine(outputs) + " positive sizes adding up to " +
                    Twine(size));
  int64_t offset = 0;
  for (auto [index, part] : llvm::enumerate(parts)) {
    SmallVector<std::optional<DimSlice>> slices(rank);
    slices[*axis] = DimSlice{offset, part, 1};
    setSlice(ctx, index, slices);
    offset += part;
  }
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addSliceOps(OpTable &table) {
  table["Slice"] = {emitSlice, 3, 5, 1, {}, {}};
  table["Split"] = {emitSplit,
                    1,
                    2,
                    std::numeric_limits<unsigned>::max(),
                    {{"axis", AttrKind::Int}, {"split", AttrKind::Ints}},
                    {0}};
}
