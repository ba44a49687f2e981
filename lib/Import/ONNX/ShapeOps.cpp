//===- ShapeOps.cpp - reshapes, transposes, concatenation, padding --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Operators that move elements without computing: reshapes become
// `tensor.collapse_shape`/`tensor.expand_shape` (or `tensor.reshape`),
// Transpose `linalg.transpose`, Concat `tensor.concat`, Pad `tensor.pad`.
// On constant inputs, reshapes and transposes (and concatenations of
// integers) are done on the data at import time. Identity forwards its
// input and Constant defines constant data. Shape computations (PyTorch's
// `x.view(x.size(0), -1)`: Shape, Gather, Unsqueeze, Concat into a
// Reshape's target) are done on the data too, the dynamic batch size
// standing as `ShapedType::kDynamic`.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SmallSet.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// Defines the result as input 0 reshaped to `shape`: on the data when it is
/// constant.
LogicalResult setReshapedResult(NodeContext &ctx, ArrayRef<int64_t> shape) {
  if (DenseElementsAttr data = ctx.getConstantInput(0)) {
    ctx.setConstantResult(0, data.reshape(data.getType().clone(shape)));
    return success();
  }
  ctx.setResult(
      0, buildReshape(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0), shape));
  return success();
}

/// The `axes` of Squeeze/Unsqueeze: an attribute before opset 13, an
/// optional input since. Returns nullopt when absent.
FailureOr<std::optional<SmallVector<int64_t>>> getAxes(NodeContext &ctx) {
  using Axes = std::optional<SmallVector<int64_t>>;
  if (ctx.getOpset() < 13) {
    if (ctx.hasInput(1))
      return ctx.fail(ctx.getOpType() +
                      " takes 'axes' as an attribute before opset 13");
    if (!ctx.hasAttr("axes"))
      return Axes();
    return Axes(ctx.getInts("axes"));
  }
  if (ctx.hasAttr("axes"))
    return ctx.failAttr("axes", formatShape(ctx.getInts("axes")),
                        "since opset 13 'axes' is an input");
  if (!ctx.hasInput(1))
    return Axes();
  FailureOr<SmallVector<int64_t>> axes = getIntList(ctx, 1, "axes");
  if (failed(axes))
    return failure();
  return Axes(*axes);
}

/// Normalizes `axes` against `rank`; reports out-of-range and repeated ones.
FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  llvm::SmallSet<int64_t, 4> seen;
  for (int64_t axis : axes) {
    std::optional<int64_t> normalized = normalizeAxis(axis, rank);
    if (!normalized || !seen.insert(*normalized).second)
      return ctx.fail(ctx.getOpType() + " axes " + formatShape(axes) +
                      " are out of range or repeated for rank " + Twine(rank));
    result.push_back(*normalized);
  }
  return result;
}

/// [prod(d0..axis-1), prod(axis..)]; a dynamic batch may only merge with
/// dimensions of size 1.
LogicalResult emitFlatten(NodeContext &ctx) {
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  int64_t rank = shape.size();
  int64_t attr = ctx.getInt("axis", 1);
  int64_t axis = attr < 0 ? attr + rank : attr;
  if (axis < 0 || axis > rank)
    return ctx.failAttr("axis", Twine(attr),
                        "out of range for rank " + Twine(rank));
  int64_t outer = getStaticProduct(shape.take_front(axis));
  int64_t inner = getStaticProduct(shape.drop_front(axis));
  if (rank > 0 && ShapedType::isDynamic(shape[0])) {
    if (axis == 0 || outer != 1)
      return ctx.fail("Flatten with axis " + Twine(axis) + " of " +
                      formatShape(shape) +
                      " would merge the dynamic batch with other dimensions");
    outer = ShapedType::kDynamic;
  }
  return setReshapedResult(ctx, {outer, inner});
}

LogicalResult emitReshape(NodeContext &ctx) {
  FailureOr<SmallVector<int64_t>> target = getIntList(ctx, 1, "shape");
  if (failed(target))
    return failure();
  ArrayRef<int64_t> input = ctx.getInputType(0).getShape();
  std::string reason;
  FailureOr<SmallVector<int64_t>> shape =
      resolveReshape(input, *target, ctx.getInt("allowzero", 0) != 0, reason);
  if (failed(shape))
    return ctx.fail("cannot reshape " + formatShape(input) + " to " +
                    formatShape(*target) + ": " + reason);
  return setReshapedResult(ctx, *shape);
}

LogicalResult emitSqueeze(NodeContext &ctx) {
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(ctx);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> input = ctx.getInputType(0).getShape();
  SmallVector<bool> removed(input.size(), false);
  if (!*axes) {
    // Every static dimension of size 1 (a dynamic batch is kept).
    for (auto [i, dim] : llvm::enumerate(input))
      removed[i] = dim == 1;
  } else {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(ctx, **axes, input.size());
    if (failed(normalized))
      return failure();
    for (int64_t axis : *normalized) {
      if (input[axis] != 1)
        return ctx.fail("Squeeze of dimension " + Twine(axis) + " of " +
                        formatShape(input) + ", which is " +
                        (ShapedType::isDynamic(input[axis])
                             ? "the dynamic batch"
                             : "not 1"));
      removed[axis] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (auto [dim, remove] : llvm::zip(input, removed))
    if (!remove)
      shape.push_back(dim);
  return setReshapedResult(ctx, shape);
}

LogicalResult emitUnsqueeze(NodeContext &ctx) {
  FailureOr<std::optional<SmallVector<int64_t>>> axes = getAxes(ctx);
  if (failed(axes))
    return failure();
  if (!*axes)
    return ctx.fail("Unsqueeze needs 'axes'");
  ArrayRef<int64_t> input = ctx.getInputType(0).getShape();
  int64_t rank = input.size() + (*axes)->size();
  FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(ctx, **axes, rank);
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> shape;
  const int64_t *next = input.begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(llvm::is_contained(*normalized, i) ? 1 : *next++);
  if (!input.empty() && ShapedType::isDynamic(input[0]) &&
      !ShapedType::isDynamic(shape[0]))
    return ctx.fail("Unsqueeze at axis 0 would move the dynamic batch away "
                    "from dimension 0");
  return setReshapedResult(ctx, shape);
}

LogicalResult emitTranspose(NodeContext &ctx) {
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> reversed(llvm::reverse(llvm::seq<int64_t>(0, rank)));
  SmallVector<int64_t> perm = ctx.getInts("perm", reversed);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, rank)))
    return ctx.failAttr("perm", formatShape(perm),
                        "not a permutation of the " + Twine(rank) +
                            " dimensions");
  if (DenseElementsAttr data = ctx.getConstantInput(0)) {
    ctx.setConstantResult(0, transposeData(data, perm));
    return success();
  }
  if (rank > 0 && type.isDynamicDim(0) && perm[0] != 0)
    return ctx.fail("Transpose " + formatShape(perm) +
                    " would move the dynamic batch away from dimension 0");
  ctx.setResult(
      0, buildTranspose(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0), perm));
  return success();
}

/// Shape: the input's dimensions as import-time data, the dynamic batch
/// as the batch size (holdsBatchSize). Opset 15's start and end select a
/// range of them.
LogicalResult emitShape(NodeContext &ctx) {
  ArrayRef<int64_t> shape = ctx.getInputType(0).getShape();
  int64_t rank = shape.size();
  auto clampAxis = [rank](int64_t axis) {
    return std::clamp<int64_t>(axis < 0 ? axis + rank : axis, 0, rank);
  };
  int64_t start = clampAxis(ctx.getInt("start", 0));
  int64_t end = clampAxis(ctx.getInt("end", rank));
  SmallVector<int64_t> dims(shape.begin() + start,
                            shape.begin() + std::max(start, end));
  Type si64 = IntegerType::get(ctx.getContext(), 64, IntegerType::Signed);
  ctx.setConstantResult(
      0, DenseElementsAttr::get(
             RankedTensorType::get({static_cast<int64_t>(dims.size())}, si64),
             ArrayRef<int64_t>(dims)));
  return success();
}

/// Gather of import-time data (shape computations: the batch size out of a
/// Shape) with constant indices, done on the data.
LogicalResult emitGather(NodeContext &ctx) {
  DenseElementsAttr data = ctx.getConstantInput(0);
  if (!data)
    return ctx.fail("Gather is supported on data known at import time "
                    "(shape computations) only");
  if (failed(ctx.requireConstant(1, "indices")))
    return failure();
  DenseElementsAttr indices = ctx.getConstantInput(1);
  if (!isa<IntegerType>(indices.getElementType()))
    return ctx.fail("Gather indices must be integers");
  auto dataType = cast<RankedTensorType>(data.getType());
  ArrayRef<int64_t> shape = dataType.getShape();
  int64_t rank = shape.size();
  std::optional<int64_t> axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return ctx.fail("Gather axis " + Twine(ctx.getInt("axis", 0)) +
                    " is out of range for rank " + Twine(rank));
  int64_t size = shape[*axis];
  SmallVector<int64_t> picks = getIntValues(indices);
  for (int64_t &pick : picks) {
    if (pick < -size || pick >= size)
      return ctx.fail("Gather index " + Twine(pick) +
                      " is out of range for a dimension of size " +
                      Twine(size));
    pick = pick < 0 ? pick + size : pick;
  }
  int64_t outer = getStaticProduct(shape.take_front(*axis));
  int64_t inner = getStaticProduct(shape.drop_front(*axis + 1));
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<Attribute> gathered;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t pick : picks)
      for (int64_t i = 0; i < inner; ++i)
        gathered.push_back(values[(o * size + pick) * inner + i]);
  SmallVector<int64_t> resultShape(shape.take_front(*axis));
  llvm::append_range(resultShape,
                     cast<RankedTensorType>(indices.getType()).getShape());
  llvm::append_range(resultShape, shape.drop_front(*axis + 1));
  ctx.setConstantResult(
      0, DenseElementsAttr::get(dataType.clone(resultShape), gathered));
  return success();
}

/// Concat of integer data known at import time (shape computations), done
/// on the data.
LogicalResult concatConstants(NodeContext &ctx, int64_t axis) {
  RankedTensorType first = ctx.getInputType(0);
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  SmallVector<SmallVector<Attribute>> parts;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    DenseElementsAttr data = ctx.getConstantInput(i);
    shape[axis] += data.getType().getDimSize(axis);
    parts.emplace_back(data.getValues<Attribute>());
  }
  int64_t outer = getStaticProduct(first.getShape().take_front(axis));
  SmallVector<Attribute> values;
  for (int64_t o = 0; o < outer; ++o)
    for (auto [i, part] : llvm::enumerate(parts)) {
      int64_t block =
          getStaticProduct(ctx.getInputType(i).getShape().drop_front(axis));
      llvm::append_range(values, ArrayRef(part).slice(o * block, block));
    }
  ctx.setConstantResult(0, DenseElementsAttr::get(first.clone(shape), values));
  return success();
}

LogicalResult emitConcat(NodeContext &ctx) {
  RankedTensorType first = ctx.getInputType(0);
  int64_t rank = first.getRank();
  int64_t attr = ctx.getInt("axis", std::numeric_limits<int64_t>::max());
  std::optional<int64_t> axis = normalizeAxis(attr, rank);
  if (!axis)
    return ctx.fail("Concat needs an 'axis' within the rank " + Twine(rank));
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    if (!ctx.hasInput(i))
      return ctx.fail("Concat input #" + Twine(i) + " is empty");
    RankedTensorType type = ctx.getInputType(i);
    bool agree = type.getRank() == rank &&
                 type.getElementType() == first.getElementType();
    for (int64_t d = 0; agree && d < rank; ++d)
      agree = d == *axis ? !type.isDynamicDim(d)
                         : type.getDimSize(d) == first.getDimSize(d);
    if (!agree)
      return ctx.fail("Concat inputs " + formatShape(first.getShape()) +
                      " and " + formatShape(type.getShape()) +
                      " do not concatenate along axis " + Twine(*axis) +
                      " (a dynamic batch cannot be concatenated)");
  }
  // Shape computations (integer data known at import time) are folded;
  // float constants (weights) stay a tensor.concat.
  if (isa<IntegerType>(first.getElementType()) &&
      llvm::all_of(llvm::seq(ctx.getNumInputs()),
                   [&](unsigned i) { return ctx.getConstantInput(i); }))
    return concatConstants(ctx, *axis);
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i)
    inputs.push_back(ctx.getInput(i));
  if (inputs.size() == 1) {
    ctx.forwardInput(0);
    return success();
  }
  ctx.setResult(0, tensor::ConcatOp::create(ctx.getBuilder(), ctx.getLoc(),
                                            *axis, inputs));
  return success();
}

/// Pad in constant mode with constant pads and value.
LogicalResult emitPad(NodeContext &ctx) {
  std::string mode = ctx.getString("mode", "constant");
  if (mode != "constant")
    return ctx.failAttr("mode", "'" + mode + "'",
                        "only constant padding is supported");
  RankedTensorType type = ctx.getInputType(0);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> pads = getIntList(ctx, 1, "pads");
  if (failed(pads))
    return failure();
  if (static_cast<int64_t>(pads->size()) != 2 * rank ||
      llvm::any_of(*pads, [](int64_t p) { return p < 0 || p > kMaxElements; }))
    return ctx.fail("Pad pads " + formatShape(*pads) + " are not " +
                    Twine(2 * rank) + " values in [0, " + Twine(kMaxElements) +
                    "]");
  ArrayRef<int64_t> low = ArrayRef(*pads).take_front(rank);
  ArrayRef<int64_t> high = ArrayRef(*pads).drop_front(rank);
  if (rank > 0 && type.isDynamicDim(0) && (low[0] != 0 || high[0] != 0))
    return ctx.fail("Pad cannot pad the dynamic batch dimension");
  float value = 0.0f;
  if (ctx.hasInput(2)) {
    if (failed(ctx.requireConstant(2, "constant_value")))
      return failure();
    DenseElementsAttr data = ctx.getConstantInput(2);
    if (data.getNumElements() != 1)
      return ctx.fail("Pad constant_value must be a scalar");
    value = getFloatValues(data).front();
  }
  if (llvm::all_of(*pads, [](int64_t p) { return p == 0; })) {
    ctx.forwardInput(0);
    return success();
  }
  ctx.setResult(0, buildPad(ctx.getBuilder(), ctx.getLoc(), ctx.getInput(0),
                            low, high, value));
  return success();
}

LogicalResult emitIdentity(NodeContext &ctx) {
  ctx.forwardInput(0);
  return success();
}

LogicalResult emitConstant(NodeContext &ctx) {
  static const StringRef kinds[] = {"value", "value_float", "value_floats",
                                    "value_int", "value_ints"};
  if (llvm::count_if(kinds, [&](StringRef k) { return ctx.hasAttr(k); }) != 1)
    return ctx.fail("Constant needs exactly one of 'value', 'value_float', "
                    "'value_floats', 'value_int' and 'value_ints'");
  OpBuilder &builder = ctx.getBuilder();
  Type f32 = builder.getF32Type();
  Type si64 = IntegerType::get(ctx.getContext(), 64, IntegerType::Signed);
  DenseElementsAttr data;
  if (ctx.hasAttr("value")) {
    FailureOr<DenseElementsAttr> tensor = ctx.getTensorAttr("value");
    if (failed(tensor))
      return failure();
    data = *tensor;
  } else if (ctx.hasAttr("value_float")) {
    data = DenseElementsAttr::get(RankedTensorType::get({}, f32),
                                  ctx.getFloat("value_float", 0.0f));
  } else if (ctx.hasAttr("value_floats")) {
    SmallVector<float> values = ctx.getFloats("value_floats");
    data = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values.size())}, f32),
        ArrayRef<float>(values));
  } else if (ctx.hasAttr("value_int")) {
    data = DenseElementsAttr::get(RankedTensorType::get({}, si64),
                                  ctx.getInt("value_int", 0));
  } else {
    SmallVector<int64_t> values = ctx.getInts("value_ints");
    data = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(values.size())}, si64),
        ArrayRef<int64_t>(values));
  }
  ctx.setConstantResult(0, data);
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addShapeOps(OpTable &table) {
  constexpr unsigned many = std::numeric_limits<unsigned>::max();
  table["Flatten"] = {emitFlatten, 1, 1, 1, {{"axis", AttrKind::Int}}, {}};
  table["Reshape"] = {emitReshape, 2, 2, 1, {{"allowzero", AttrKind::Int}}, {}};
  table["Squeeze"] = {emitSqueeze, 1, 2, 1, {{"axes", AttrKind::Ints}}, {}};
  table["Unsqueeze"] = {emitUnsqueeze, 1, 2, 1, {{"axes", AttrKind::Ints}}, {}};
  table["Transpose"] = {emitTranspose, 1, 1, 1, {{"perm", AttrKind::Ints}}, {}};
  table["Concat"] = {emitConcat, 1, many, 1, {{"axis", AttrKind::Int}}, {}};
  table["Shape"] = {
      emitShape, 1, 1, 1, {{"start", AttrKind::Int}, {"end", AttrKind::Int}},
      {}};
  table["Gather"] = {emitGather, 2, 2, 1, {{"axis", AttrKind::Int}}, {}};
  table["Pad"] = {emitPad, 2, 3, 1, {{"mode", AttrKind::String}}, {0, 2}};
  table["Identity"] = {emitIdentity, 1, 1, 1, {}, {}};
  table["Constant"] = {emitConstant,
                       0,
                       0,
                       1,
                       {{"value", AttrKind::Tensor},
                        {"value_float", AttrKind::Float},
                        {"value_floats", AttrKind::Floats},
                        {"value_int", AttrKind::Int},
                        {"value_ints", AttrKind::Ints}},
                       {}};
}
