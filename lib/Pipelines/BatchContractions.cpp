//===- BatchContractions.cpp - sibling contractions as one loop nest ------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A dot product split into parts (an allocation's `chunks`) is, in an integer
// program, one contraction per part: the same matmul or convolution on the
// next slice of the input, with the part's own weights and constants. This
// pass computes such sibling contractions as one linalg.generic with one more
// loop, over the parts, outermost: one loop nest to lower and compile instead
// of one per part. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_BATCHCONTRACTIONS
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// A dense integer or float constant whose elements are whole bytes, so
/// that constants can be stacked by concatenating their buffers.
DenseIntOrFPElementsAttr getStackableConstant(Value value) {
  DenseIntOrFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  Type element = attr.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return {};
  return attr;
}

/// A slice that `value` is of: unit strides, static offsets, the same rank
/// as its source, and the whole of the source in every dimension but at
/// most one (`partialDim`). The batched op reads the source directly, and
/// takes the sizes of its loops from the source's full dimensions.
struct SliceView {
  Value source;
  SmallVector<int64_t> offsets;
  std::optional<unsigned> partialDim;
};

/// What a dimension's size is, as far as the IR shows without analysis: a
/// constant (`tensor` null, `dim` the size), or dimension `dim` of `tensor`,
/// a value whose shape no op states.
struct DimSource {
  Value tensor;
  int64_t dim;
  bool operator==(const DimSource &other) const {
    return tensor == other.tensor && dim == other.dim;
  }
};

DimSource getDimSource(OpFoldResult size);

/// The size of `tensor`'s dimension `dim`, followed through ops whose
/// result shapes are their operands': destination-style ops (their inits),
/// tensor.empty, pads that leave the dimension alone, and collapses that
/// keep it as it is.
DimSource getDimSource(Value tensor, int64_t dim) {
  while (true) {
    int64_t extent = cast<RankedTensorType>(tensor.getType()).getDimSize(dim);
    if (!ShapedType::isDynamic(extent))
      return {Value(), extent};
    Operation *def = tensor.getDefiningOp();
    auto result = dyn_cast<OpResult>(tensor);
    if (auto dps = dyn_cast_or_null<DestinationStyleOpInterface>(def)) {
      tensor = dps.getTiedOpOperand(result)->get();
      continue;
    }
    if (auto empty = dyn_cast_or_null<tensor::EmptyOp>(def))
      return getDimSource(OpFoldResult(empty.getDynamicSize(dim)));
    if (auto pad = dyn_cast_or_null<tensor::PadOp>(def);
        pad && isConstantIntValue(pad.getMixedLowPad()[dim], 0) &&
        isConstantIntValue(pad.getMixedHighPad()[dim], 0)) {
      tensor = pad.getSource();
      continue;
    }
    if (auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(def)) {
      ReassociationIndices group = collapse.getReassociationIndices()[dim];
      if (group.size() == 1) {
        tensor = collapse.getSrc();
        dim = group.front();
        continue;
      }
    }
    return {tensor, dim};
  }
}

/// What `size` is: a constant, or a tensor's dimension (tensor.dim followed
/// to its source).
DimSource getDimSource(OpFoldResult size) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return {Value(), *constant};
  auto value = cast<Value>(size);
  if (auto dimOp = value.getDefiningOp<tensor::DimOp>())
    if (std::optional<int64_t> index = dimOp.getConstantIndex())
      return getDimSource(dimOp.getSource(), *index);
  // An index value of unknown origin: itself, as a dimension of nothing.
  return {value, ShapedType::kDynamic};
}

/// Whether `size`, a slice's size along `dim`, is the whole of `source`'s
/// dimension `dim`.
bool isWholeDim(Value source, unsigned dim, OpFoldResult size) {
  return getDimSource(size) == getDimSource(source, dim);
}

std::optional<SliceView> getSliceView(Value value) {
  auto slice = value.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || slice.getSourceType().getRank() != slice.getType().getRank())
    return std::nullopt;
  if (!llvm::all_of(slice.getMixedStrides(),
                    [](OpFoldResult s) { return isConstantIntValue(s, 1); }))
    return std::nullopt;
  SliceView view;
  view.source = slice.getSource();
  for (auto [dim, offset, size] :
       llvm::enumerate(slice.getMixedOffsets(), slice.getMixedSizes())) {
    std::optional<int64_t> constant = getConstantIntValue(offset);
    if (!constant)
      return std::nullopt;
    view.offsets.push_back(*constant);
    if (*constant == 0 && isWholeDim(view.source, dim, size))
      continue;
    // The loops of the batched op run over the slice's size, which must
    // then be a constant; and only one dimension may be partial.
    if (view.partialDim || !getConstantIntValue(size))
      return std::nullopt;
    view.partialDim = dim;
  }
  return view;
}

/// How an input of the contractions of a group varies from part to part.
struct InputForm {
  enum Kind {
    /// The same value in every part.
    Shared,
    /// A constant per part: stacked into one, the parts outermost.
    Stacked,
    /// Slices of one tensor, the same but for the offset along `dim`, which
    /// advances by `step` from part to part.
    Sliced,
  } kind;
  SliceView first;
  unsigned dim = 0;
  int64_t step = 0;
};

/// How the initial value (the accumulator's start) varies from part to part.
struct InitForm {
  enum Kind {
    /// The same value in every part.
    Shared,
    /// A constant per part.
    Stacked,
    /// A fill of the same scalar in every part.
    Filled,
    /// A constant per part broadcast along `dims` (or a fill of a constant
    /// scalar: a splat broadcast).
    Broadcast,
  } kind;
  SmallVector<int64_t> dims;
};

/// The classification of `value`, part 1's input, against `first`, part 0's.
std::optional<InputForm> classifyInput(Value first, Value value) {
  if (first == value)
    return InputForm{InputForm::Shared, {}, 0, 0};
  if (getStackableConstant(first) && getStackableConstant(value))
    return InputForm{InputForm::Stacked, {}, 0, 0};
  std::optional<SliceView> a = getSliceView(first);
  std::optional<SliceView> b = getSliceView(value);
  if (!a || !b || a->source != b->source || a->partialDim != b->partialDim ||
      !a->partialDim)
    return std::nullopt;
  unsigned dim = *a->partialDim;
  return InputForm{InputForm::Sliced, *a, dim,
                   b->offsets[dim] - a->offsets[dim]};
}

/// Whether `value` is part `part`'s input of `form`, whose part 0 is `first`.
bool matchesInput(const InputForm &form, Value first, Value value,
                  int64_t part) {
  switch (form.kind) {
  case InputForm::Shared:
    return value == first;
  case InputForm::Stacked:
    return static_cast<bool>(getStackableConstant(value));
  case InputForm::Sliced: {
    std::optional<SliceView> view = getSliceView(value);
    if (!view || view->source != form.first.source ||
        view->partialDim != form.first.partialDim)
      return false;
    for (auto [dim, offset, firstOffset] :
         llvm::enumerate(view->offsets, form.first.offsets))
      if (offset != firstOffset + (dim == form.dim ? part * form.step : 0))
        return false;
    return true;
  }
  }
  llvm_unreachable("unknown input form");
}

/// The scalar that `value` is filled with, when a linalg.fill or a generic
/// that is one produces it.
Value getFillValue(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return fill.value();
  if (auto generic = value.getDefiningOp<linalg::GenericOp>())
    return linalg::isaFillOpInterface(generic).value_or(Value());
  return {};
}

/// A part's initial value as the broadcast of a constant along the
/// dimensions `dims` adds: a linalg.broadcast, or a generic that is one, of
/// a constant (`constant`); or a fill of a constant scalar (`scalar`), a
/// broadcast along any dimensions.
struct BroadcastInit {
  DenseIntOrFPElementsAttr constant;
  std::optional<SmallVector<int64_t>> dims;
  TypedAttr scalar;
};

std::optional<BroadcastInit> getBroadcastInit(Value value) {
  if (Value fill = getFillValue(value)) {
    TypedAttr scalar;
    if (!matchPattern(fill, m_Constant(&scalar)) ||
        !scalar.getType().isIntOrFloat() ||
        scalar.getType().getIntOrFloatBitWidth() % 8 != 0)
      return std::nullopt;
    return BroadcastInit{{}, std::nullopt, scalar};
  }
  Value input;
  std::optional<SmallVector<int64_t>> dims;
  if (auto broadcast = value.getDefiningOp<linalg::BroadcastOp>()) {
    input = broadcast.getInput();
    dims = llvm::to_vector(broadcast.getDimensions());
  } else if (auto generic = value.getDefiningOp<linalg::GenericOp>()) {
    dims = linalg::isaBroadcastOpInterface(generic);
    if (dims)
      input = generic.getDpsInputs()[0];
  }
  DenseIntOrFPElementsAttr constant =
      input ? getStackableConstant(input) : DenseIntOrFPElementsAttr();
  if (!constant)
    return std::nullopt;
  return BroadcastInit{constant, dims, {}};
}

/// The classification of `value`, part 1's initial value, against `first`,
/// part 0's.
std::optional<InitForm> classifyInit(Value first, Value value) {
  if (first == value)
    return InitForm{InitForm::Shared, {}};
  if (getStackableConstant(first) && getStackableConstant(value))
    return InitForm{InitForm::Stacked, {}};
  Value fill = getFillValue(first);
  if (fill && fill == getFillValue(value))
    return InitForm{InitForm::Filled, {}};
  std::optional<BroadcastInit> a = getBroadcastInit(first);
  std::optional<BroadcastInit> b = getBroadcastInit(value);
  if (!a || !b || (a->dims && b->dims && *a->dims != *b->dims))
    return std::nullopt;
  if (a->dims || b->dims)
    return InitForm{InitForm::Broadcast, a->dims ? *a->dims : *b->dims};
  // Fills of two constants: broadcasts of scalars along every dimension.
  int64_t rank = cast<RankedTensorType>(first.getType()).getRank();
  return InitForm{InitForm::Broadcast,
                  llvm::to_vector(llvm::seq<int64_t>(0, rank))};
}

/// Whether `value` is a part's initial value of `form`, whose part 0 is
/// `first`.
bool matchesInit(const InitForm &form, Value first, Value value) {
  switch (form.kind) {
  case InitForm::Shared:
    return value == first;
  case InitForm::Stacked:
    return static_cast<bool>(getStackableConstant(value));
  case InitForm::Filled:
    return getFillValue(value) == getFillValue(first);
  case InitForm::Broadcast: {
    std::optional<BroadcastInit> init = getBroadcastInit(value);
    return init && (!init->dims || *init->dims == form.dims);
  }
  }
  llvm_unreachable("unknown init form");
}

/// Whether `op` is one the pass batches: a linalg op on tensors with
/// reduction loops (a matmul, a convolution, a contraction as a generic),
/// one result, and a body that does not read the loop indices.
bool isBatchable(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      op->getNumRegions() != 1 || op->getRegion(0).empty())
    return false;
  WalkResult index = op->getRegion(0).walk(
      [](linalg::IndexOp) { return WalkResult::interrupt(); });
  return !index.wasInterrupted();
}

/// Whether `b` is `a` on other operands: same op, properties and types, and
/// the same body. (Discardable attributes do not change what an op computes;
/// the batched op keeps none.)
bool isSameComputation(linalg::LinalgOp a, linalg::LinalgOp b) {
  Operation *x = a.getOperation(), *y = b.getOperation();
  if (x->getName() != y->getName() ||
      x->getOperandTypes() != y->getOperandTypes() ||
      x->getResultTypes() != y->getResultTypes() ||
      x->getPropertiesAsAttribute() != y->getPropertiesAsAttribute())
    return false;
  return OperationEquivalence::isRegionEquivalentTo(
      &x->getRegion(0), &y->getRegion(0),
      OperationEquivalence::Flags::IgnoreLocations);
}

/// Contractions computed as one: `ops[p]` is part p.
struct Group {
  SmallVector<linalg::LinalgOp> ops;
  SmallVector<InputForm> inputs;
  InitForm init{InitForm::Shared, {}};

  linalg::LinalgOp first() const { return ops.front(); }

  /// Adds `op` as the next part if it fits the group.
  bool tryAdd(linalg::LinalgOp op) {
    linalg::LinalgOp head = first();
    if (!isSameComputation(head, op))
      return false;
    Value headInit = head.getDpsInits()[0], init = op.getDpsInits()[0];
    if (ops.size() == 1) {
      SmallVector<InputForm> forms;
      for (auto [a, b] : llvm::zip(head.getDpsInputs(), op.getDpsInputs())) {
        std::optional<InputForm> form = classifyInput(a, b);
        if (!form)
          return false;
        forms.push_back(*form);
      }
      std::optional<InitForm> initForm = classifyInit(headInit, init);
      // Parts that are the same computation on the same values are left to
      // CSE.
      if (!initForm || (initForm->kind == InitForm::Shared &&
                        llvm::all_of(forms, [](const InputForm &form) {
                          return form.kind == InputForm::Shared;
                        })))
        return false;
      inputs = std::move(forms);
      this->init = *initForm;
      ops.push_back(op);
      return true;
    }
    int64_t part = ops.size();
    for (auto [form, a, b] :
         llvm::zip(inputs, head.getDpsInputs(), op.getDpsInputs()))
      if (!matchesInput(form, a, b, part))
        return false;
    if (!matchesInit(this->init, headInit, init))
      return false;
    ops.push_back(op);
    return true;
  }
};

/// One constant holding `constants`, each of type `type` (splats
/// included), one after the other: of type [constants.size()] + `type`'s
/// shape.
Value stackConstants(OpBuilder &b, Location loc, RankedTensorType type,
                     ArrayRef<DenseIntOrFPElementsAttr> constants) {
  SmallVector<int64_t> shape{static_cast<int64_t>(constants.size())};
  llvm::append_range(shape, type.getShape());
  auto stackedType = type.clone(shape);
  size_t bytes = type.getElementTypeBitWidth() / 8;
  std::vector<char> buffer;
  buffer.reserve(stackedType.getNumElements() * bytes);
  for (DenseIntOrFPElementsAttr constant : constants) {
    ArrayRef<char> raw = constant.getRawData();
    if (constant.isSplat()) {
      for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
        buffer.insert(buffer.end(), raw.begin(), raw.begin() + bytes);
      continue;
    }
    buffer.insert(buffer.end(), raw.begin(), raw.end());
  }
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::getFromRawBuffer(stackedType, buffer));
}

/// The constants of `values`, stacked.
Value stackConstants(OpBuilder &b, Location loc, ArrayRef<Value> values) {
  auto constants = llvm::map_to_vector(values, getStackableConstant);
  return stackConstants(b, loc, cast<RankedTensorType>(values[0].getType()),
                        constants);
}

/// The type of the constant that a part's initial value of `form`
/// broadcasts: the initial value's shape without the dimensions the
/// broadcast adds. Null when it is not static.
RankedTensorType getBroadcastInputType(const InitForm &form, Value init) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> shape;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (!llvm::is_contained(form.dims, static_cast<int64_t>(dim)))
      shape.push_back(size);
  if (ShapedType::isDynamicShape(shape))
    return {};
  return type.clone(shape);
}

/// An empty tensor of shape [parts] + `sizes`.
Value createStackedEmpty(OpBuilder &b, Location loc, int64_t parts,
                         ArrayRef<OpFoldResult> sizes, Type element) {
  SmallVector<OpFoldResult> stacked{b.getIndexAttr(parts)};
  llvm::append_range(stacked, sizes);
  return tensor::EmptyOp::create(b, loc, stacked, element);
}

/// The batched op's initial value: each part's initial value at [p].
Value createStackedInit(OpBuilder &b, Location loc, const Group &group,
                        ArrayRef<OpFoldResult> sizes) {
  Value headInit = group.first().getDpsInits()[0];
  Type element = getElementTypeOrSelf(headInit.getType());
  int64_t parts = group.ops.size();
  auto inits = llvm::map_to_vector(
      group.ops, [](linalg::LinalgOp op) { return op.getDpsInits()[0]; });
  switch (group.init.kind) {
  case InitForm::Shared: {
    Value empty = createStackedEmpty(b, loc, parts, sizes, element);
    return linalg::BroadcastOp::create(b, loc, headInit, empty,
                                       ArrayRef<int64_t>{0})
        ->getResult(0);
  }
  case InitForm::Stacked:
    return stackConstants(b, loc, inits);
  case InitForm::Filled: {
    Value empty = createStackedEmpty(b, loc, parts, sizes, element);
    return linalg::FillOp::create(b, loc, ValueRange{getFillValue(headInit)},
                                  ValueRange{empty})
        .getResult(0);
  }
  case InitForm::Broadcast: {
    RankedTensorType inputType = getBroadcastInputType(group.init, headInit);
    auto constants =
        llvm::map_to_vector(inits, [&](Value init) -> DenseIntOrFPElementsAttr {
          BroadcastInit broadcast = *getBroadcastInit(init);
          if (broadcast.constant)
            return broadcast.constant;
          return cast<DenseIntOrFPElementsAttr>(
              DenseElementsAttr::get(inputType, broadcast.scalar));
        });
    Value stacked = stackConstants(b, loc, inputType, constants);
    SmallVector<int64_t> dims;
    for (int64_t dim : group.init.dims)
      dims.push_back(dim + 1);
    Value empty = createStackedEmpty(b, loc, parts, sizes, element);
    return linalg::BroadcastOp::create(b, loc, stacked, empty, dims)
        ->getResult(0);
  }
  }
  llvm_unreachable("unknown init form");
}

/// `map` with one more dimension, d0, for the parts, and the others shifted.
AffineMap shiftForParts(AffineMap map) { return map.shiftDims(1); }

/// `map` shifted, with d0 prepended to its results.
AffineMap prependParts(AffineMap map) {
  AffineMap shifted = shiftForParts(map);
  SmallVector<AffineExpr> results{getAffineDimExpr(0, map.getContext())};
  llvm::append_range(results, shifted.getResults());
  return AffineMap::get(shifted.getNumDims(), 0, results, map.getContext());
}

/// `map`, which indexes a slice, shifted and made to index the slice's
/// source: the offsets added, with d0 * step along the dimension that
/// advances.
AffineMap indexSource(AffineMap map, const InputForm &form) {
  AffineMap shifted = shiftForParts(map);
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> results;
  for (auto [dim, expr] : llvm::enumerate(shifted.getResults())) {
    AffineExpr index = expr + form.first.offsets[dim];
    if (dim == form.dim)
      index = index + getAffineDimExpr(0, ctx) * form.step;
    results.push_back(index);
  }
  return AffineMap::get(shifted.getNumDims(), 0, results, ctx);
}

/// Whether the batched op reads the head's own input for `form`: the same
/// value in every part, or the same slice.
bool readsHeadInput(const InputForm &form) {
  return form.kind == InputForm::Shared ||
         (form.kind == InputForm::Sliced && form.step == 0);
}

/// The batched op's indexing map for an input of `form`, which `map`
/// indexes in the ops of the group.
AffineMap getBatchedMap(const InputForm &form, AffineMap map) {
  if (readsHeadInput(form))
    return shiftForParts(map);
  if (form.kind == InputForm::Stacked)
    return prependParts(map);
  return indexSource(map, form);
}

/// The batched op's input `index`, of `form`.
Value getBatchedInput(OpBuilder &b, Location loc, const Group &group,
                      unsigned index, const InputForm &form) {
  if (readsHeadInput(form))
    return group.first().getDpsInputs()[index];
  if (form.kind == InputForm::Sliced)
    return form.first.source;
  auto constants = llvm::map_to_vector(
      group.ops, [&](linalg::LinalgOp op) { return op.getDpsInputs()[index]; });
  return stackConstants(b, loc, constants);
}

/// Replaces the ops of `group` by one linalg.generic with the parts as its
/// outermost loop, and each op's result by the slice [p] of its result.
/// Leaves the group alone (returns false) when the batched op's loops could
/// not take their sizes from its operands.
bool batch(RewriterBase &rewriter, const Group &group) {
  linalg::LinalgOp head = group.first();
  Location loc = head.getLoc();
  SmallVector<AffineMap> maps;
  for (auto [operand, form] :
       llvm::zip(head.getDpsInputOperands(), group.inputs))
    maps.push_back(getBatchedMap(form, head.getMatchingIndexingMap(operand)));
  maps.push_back(
      prependParts(head.getMatchingIndexingMap(head.getDpsInitOperand(0))));
  if (!inversePermutation(concatAffineMaps(maps, head.getContext())))
    return false;
  if (group.init.kind == InitForm::Broadcast &&
      !getBroadcastInputType(group.init, head.getDpsInits()[0]))
    return false;

  rewriter.setInsertionPoint(head);
  SmallVector<Value> inputs;
  for (auto [index, form] : llvm::enumerate(group.inputs))
    inputs.push_back(getBatchedInput(rewriter, loc, group, index, form));
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, head.getDpsInits()[0]);
  Value init = createStackedInit(rewriter, loc, group, sizes);

  SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel};
  llvm::append_range(iterators, head.getIteratorTypesArray());
  auto batched = linalg::GenericOp::create(rewriter, loc, init.getType(),
                                           inputs, init, maps, iterators);
  rewriter.cloneRegionBefore(head->getRegion(0), batched.getRegion(),
                             batched.getRegion().begin());

  auto resultType = cast<RankedTensorType>(head->getResult(0).getType());
  SmallVector<OpFoldResult> sliceSizes{rewriter.getIndexAttr(1)};
  llvm::append_range(sliceSizes, sizes);
  SmallVector<OpFoldResult> strides(sliceSizes.size(),
                                    rewriter.getIndexAttr(1));
  for (auto [part, op] : llvm::enumerate(group.ops)) {
    SmallVector<OpFoldResult> offsets(sliceSizes.size(),
                                      rewriter.getIndexAttr(0));
    offsets.front() = rewriter.getIndexAttr(part);
    Value slice = tensor::ExtractSliceOp::create(rewriter, loc, resultType,
                                                 batched.getResult(0), offsets,
                                                 sliceSizes, strides);
    rewriter.replaceOp(op, slice);
  }
  return true;
}

/// The groups of `block`: each op that can be batched starts a group, which
/// takes, in program order, the ops after it that fit as its next parts.
SmallVector<Group> findGroups(Block &block) {
  SmallVector<linalg::LinalgOp> candidates;
  for (Operation &op : block)
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
        linalgOp && isBatchable(linalgOp))
      candidates.push_back(linalgOp);
  SmallVector<Group> groups;
  llvm::SmallPtrSet<Operation *, 16> taken;
  for (auto [index, head] : llvm::enumerate(candidates)) {
    if (taken.contains(head))
      continue;
    Group group;
    group.ops.push_back(head);
    for (linalg::LinalgOp op : llvm::drop_begin(candidates, index + 1))
      if (!taken.contains(op))
        (void)group.tryAdd(op);
    if (group.ops.size() < 2)
      continue;
    for (linalg::LinalgOp op : group.ops)
      taken.insert(op);
    groups.push_back(std::move(group));
  }
  return groups;
}

struct BatchContractionsPass
    : qfhe::impl::BatchContractionsBase<BatchContractionsPass> {
  void runOnOperation() override {
    SmallVector<Block *> blocks;
    getOperation()->walk([&](Block *block) { blocks.push_back(block); });
    IRRewriter rewriter(&getContext());
    for (Block *block : blocks)
      for (const Group &group : findGroups(*block))
        (void)batch(rewriter, group);
  }
};

} // namespace
