//===- ExpandOps.cpp - ConstantOfShape, Expand and Tile -------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// What PyTorch exports for `x.expand(...)`, `x.repeat(...)` and the
// broadcasts inside F.normalize: ConstantOfShape of a shape known at import
// time is import-time data; Expand broadcasts its input numpy-style to a
// shape known at import time (a `linalg.generic` reading it through a
// broadcasting map; the batch size computed by Shape stands for the dynamic
// batch); Tile repeats the input along each dimension by `tensor.concat` of
// copies.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// The most elements Expand computes at import time, and the most copies
/// Tile concatenates along one dimension.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 20;
constexpr int64_t kMaxTileCopies = 4096;

/// ConstantOfShape: the `value` attribute's one element (float32 0 by
/// default) repeated to the shape input 0 holds, at import time.
LogicalResult emitConstantOfShape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = getIntList(ctx, 0, "shape");
  if (failed(shape))
    return failure();
  for (int64_t dim : *shape)
    if (dim < 0)
      return ctx.fail("ConstantOfShape shape " + formatShape(*shape) +
                      " has a negative dimension");
  if (getStaticProduct(*shape) > kMaxElements)
    return ctx.fail("ConstantOfShape shape " + formatShape(*shape) +
                    " has more than " + Twine(kMaxElements) + " elements");
  DenseElementsAttr value;
  if (ctx.hasAttr("value")) {
    FailureOr<DenseElementsAttr> tensor = ctx.getTensorAttr("value");
    if (failed(tensor))
      return failure();
    value = *tensor;
    if (value.getNumElements() != 1)
      return ctx.fail("ConstantOfShape value must have one element, not " +
                      Twine(value.getNumElements()));
  } else {
    value = DenseElementsAttr::get(
        RankedTensorType::get({1}, ctx.getBuilder().getF32Type()), 0.0f);
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  ctx.setConstantResult(
      0, DenseElementsAttr::get(type, value.getValues<Attribute>()[0]));
  return success();
}

/// `data` broadcast numpy-style to the static `shape`, at import time.
DenseElementsAttr broadcastData(DenseElementsAttr data,
                                ArrayRef<int64_t> shape) {
  ArrayRef<int64_t> from = data.getType().getShape();
  size_t offset = shape.size() - from.size();
  // The stride of each result dimension in `data` (0 where it broadcasts).
  SmallVector<int64_t> strides(shape.size(), 0);
  for (int64_t dim = from.size() - 1, stride = 1; dim >= 0; --dim) {
    if (from[dim] != 1)
      strides[offset + dim] = stride;
    stride *= from[dim];
  }
  SmallVector<Attribute> values(data.getValues<Attribute>());
  auto type = RankedTensorType::get(shape, data.getElementType());
  SmallVector<Attribute> result;
  result.reserve(type.getNumElements());
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    int64_t source = 0;
    for (auto [position, stride] : llvm::zip(index, strides))
      source += position * stride;
    result.push_back(values[source]);
    for (int64_t dim = shape.size() - 1; dim >= 0; --dim) {
      if (++index[dim] < shape[dim])
        break;
      index[dim] = 0;
    }
  }
  return DenseElementsAttr::get(type, result);
}

/// Expand: input 0 broadcast numpy-style to the shape input 1 holds.
LogicalResult emitExpand(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> target = getIntList(ctx, 1, "shape");
  if (failed(target))
    return failure();
  ArrayRef<int64_t> input = ctx.getInputType(0).getShape();
  std::string reason;
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes({input, *target}, reason);
  if (failed(shape))
    return ctx.fail("Expand of " + formatShape(input) + " to " +
                    formatShape(*target) + ": " + reason);
  bool batched = !input.empty() && input.size() == shape->size() &&
                 ShapedType::isDynamic(input[0]);
  if (!shape->empty() && ShapedType::isDynamic((*shape)[0]) && !batched)
    return ctx.fail("Expand of " + formatShape(input) + " to " +
                    formatShape(*target) +
                    " would repeat a value without the batch over the "
                    "batch; it is not supported");
  if (ArrayRef<int64_t>(*shape) == input) {
    ctx.forwardInput(0);
    return success();
  }
  // Constants are broadcast at import time up to kMaxFoldedElements.
  DenseElementsAttr data = ctx.getConstantInput(0);
  if (data && getStaticProduct(*shape) <= kMaxFoldedElements) {
    ctx.setConstantResult(0, broadcastData(data, *shape));
    return success();
  }
  OpBuilder &builder = ctx.getBuilder();
  auto type =
      RankedTensorType::get(*shape, ctx.getInputType(0).getElementType());
  ctx.setResult(
      0, buildBroadcastGeneric(
             builder, ctx.getLoc(), {ctx.getInput(0)}, type,
             [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
  return success();
}

/// Tile: input 0 repeated along dimension i by the i-th entry of input 1
/// (not along the batch), by `tensor.concat` of copies.
LogicalResult emitTile(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> repeats = getIntList(ctx, 1, "repeats");
  if (failed(repeats))
    return failure();
  RankedTensorType type = ctx.getInputType(0);
  if (static_cast<int64_t>(repeats->size()) != type.getRank())
    return ctx.fail("Tile repeats " + formatShape(*repeats) + " do not match " +
                    "the rank " + Twine(type.getRank()) + " of its input");
  SmallVector<int64_t> shape(type.getShape());
  for (auto [dim, count] : llvm::enumerate(*repeats)) {
    if (count < 1 || count > kMaxTileCopies)
      return ctx.fail("Tile repeats " + formatShape(*repeats) +
                      " must be positive and at most " + Twine(kMaxTileCopies));
    if (count != 1 && type.isDynamicDim(dim))
      return ctx.fail("Tile along the dynamic batch (repeats " +
                      formatShape(*repeats) + ") is not supported");
    shape[dim] = count == 1 ? shape[dim] : shape[dim] * count;
  }
  if (getStaticProduct(shape) > kMaxElements)
    return ctx.fail("Tile would have shape " + formatShape(shape) +
                    ", more than " + Twine(kMaxElements) + " elements");
  OpBuilder &builder = ctx.getBuilder();
  Value result = ctx.getInput(0);
  for (auto [dim, count] : llvm::enumerate(*repeats))
    if (count != 1) {
      SmallVector<Value> copies(count, result);
      result = tensor::ConcatOp::create(builder, ctx.getLoc(),
                                        static_cast<int64_t>(dim), copies);
    }
  ctx.setResult(0, result);
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addExpandOps(OpTable &table) {
  table["ConstantOfShape"] = {emitConstantOfShape,           1, 1, 1,
                              {{"value", AttrKind::Tensor}}, {}};
  table["Expand"] = {emitExpand, 2, 2, 1, {}, {}};
  table["Tile"] = {emitTile, 2, 2, 1, {}, {}};
}
