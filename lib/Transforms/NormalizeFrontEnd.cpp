//===- NormalizeFrontEnd.cpp - front ends' forms into qfhe's --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The forms torch-mlir and TOSA producers write for ordinary layers, brought
// into the one form the quantizer knows:
// - weights held in `dense_resource` blobs become dense constants;
// - `linalg.transpose` of a constant becomes the transposed constant (what
//   torch-mlir writes for nn.Linear's `weight.t()`);
// - `linalg.matmul` with transposing `indexing_maps` becomes a transpose of
//   the transposed operand and a plain matmul;
// - `linalg.batch_matmul` whose right operand is one constant matrix (what
//   `tosa.matmul` becomes) becomes a 2-D matmul on the collapsed rows, so
//   that it is allocated, chunked and lowered like any other matmul;
// - the unbounded side of a clamp (`tosa.clamp` to +-FLT_MAX, a min or max
//   with the largest float or an infinity) is dropped, so that a ReLU
//   written as a clamp is a max with 0, as the channel equalization and
//   the quantizer expect. It differs from the identity only on infinities
//   and NaN, which no program with finite value ranges computes;
// - an elementwise op with constants that vary along several consecutive
//   dimensions (the per-position divisor of an average pool that excludes
//   its padding) runs on the data collapsed along them, so that its
//   constants vary along one dimension, as the quantizer's tables do.
//
//===----------------------------------------------------------------------===//

#include "NormalizeFrontEnd.h"
#include "ConstantElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// `arith.constant dense_resource<blob>` -> `arith.constant dense<...>`.
struct InlineResourceConstant : OpRewritePattern<arith::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
    if (!resource)
      return rewriter.notifyMatchFailure(op, "not a dense_resource constant");
    FailureOr<DenseElementsAttr> dense = inlineResource(resource);
    if (failed(dense))
      return rewriter.notifyMatchFailure(op, "resource blob not readable");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, *dense);
    return success();
  }
};

/// `linalg.transpose` of a constant -> the transposed constant.
struct FoldConstantTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr input;
    if (!op.hasPureTensorSemantics() ||
        !matchPattern(op.getInput(), m_Constant(&input)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    if (!cast<ShapedType>(input.getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    DenseElementsAttr transposed =
        transposeElements(input, op.getPermutation());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, transposed);
    return success();
  }
};

/// Whether `map` is `(d0, d1, d2) -> (dims[0], dims[1])`.
bool isMapOf(AffineMap map, unsigned first, unsigned second) {
  return map.getNumDims() == 3 && map.getNumResults() == 2 &&
         map.getResult(0) == getAffineDimExpr(first, map.getContext()) &&
         map.getResult(1) == getAffineDimExpr(second, map.getContext());
}

/// `linalg.matmul` with a transposed operand (`indexing_maps` reading A as
/// (k, m) or B as (n, k)) -> a transpose of that operand and a plain
/// matmul. The transposes of constant weights then fold.
struct CanonicalizeMatmulMaps : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasUserDefinedMaps() || !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "default maps");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    // Loops: d0 = m, d1 = n, d2 = k.
    bool transposeA = isMapOf(maps[0], 2, 0);
    bool transposeB = isMapOf(maps[1], 1, 2);
    if (!(transposeA || isMapOf(maps[0], 0, 2)) ||
        !(transposeB || isMapOf(maps[1], 2, 1)) || !isMapOf(maps[2], 0, 1))
      return rewriter.notifyMatchFailure(
          op, "maps other than (possibly transposed) 2-D operands");
    Location loc = op.getLoc();
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    if (transposeA)
      a = createTranspose(rewriter, loc, a, {1, 0});
    if (transposeB)
      b = createTranspose(rewriter, loc, b, {1, 0});
    ArrayRef<NamedAttribute> discardable =
        op->getDiscardableAttrDictionary().getValue();
    // The default cast (signed) has no attribute.
    auto matmul =
        op.getCastAttr()
            ? linalg::MatmulOp::create(rewriter, loc, op->getResultTypes(),
                                       ValueRange{a, b}, op.getDpsInits(),
                                       op.getCastAttr(), discardable)
            : linalg::MatmulOp::create(rewriter, loc, op->getResultTypes(),
                                       ValueRange{a, b}, op.getDpsInits(),
                                       discardable);
    rewriter.replaceOp(op, matmul->getResults());
    return success();
  }
};

/// The constant that `init` is filled with, if it is a fill.
Value getFillValue(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant()))
    return {};
  return fill.getInputs()[0];
}

/// `linalg.batch_matmul` of data `[B, M, K]` by one constant matrix
/// (`[1, K, N]`) into a filled init -> the 2-D matmul of the `[B*M, K]`
/// rows by `[K, N]`, expanded back to `[B, M, N]`.
struct BatchMatmulOfConstant : OpRewritePattern<linalg::BatchMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::BatchMatmulOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr weights;
    if (op.hasUserDefinedMaps() || !op.hasPureTensorSemantics() ||
        !matchPattern(op.getDpsInputs()[1], m_Constant(&weights)))
      return rewriter.notifyMatchFailure(op, "right operand not a constant");
    auto weightType = cast<RankedTensorType>(weights.getType());
    if (!weightType.hasStaticShape() || weightType.getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(op, "more than one matrix");
    Value fillValue = getFillValue(op.getDpsInits()[0]);
    if (!fillValue)
      return rewriter.notifyMatchFailure(op, "init is not a fill");
    Location loc = op.getLoc();
    Value data = op.getDpsInputs()[0];
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<ReassociationIndices> rows{{0, 1}, {2}};
    Value flat = tensor::CollapseShapeOp::create(rewriter, loc, data, rows);
    auto matrixType = RankedTensorType::get(weightType.getShape().drop_front(),
                                            weightType.getElementType());
    Value matrix =
        arith::ConstantOp::create(rewriter, loc, weights.reshape(matrixType));
    OpFoldResult flatRows = tensor::getMixedSize(rewriter, loc, flat, 0);
    Value empty = tensor::EmptyOp::create(
        rewriter, loc,
        {flatRows, rewriter.getIndexAttr(weightType.getDimSize(2))},
        resultType.getElementType());
    Value init =
        linalg::FillOp::create(rewriter, loc, fillValue, empty).getResult(0);
    Value product =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                 ValueRange{flat, matrix}, ValueRange{init},
                                 op->getDiscardableAttrDictionary().getValue())
            .getResult(0);
    SmallVector<OpFoldResult> shape{
        tensor::getMixedSize(rewriter, loc, data, 0),
        tensor::getMixedSize(rewriter, loc, data, 1),
        rewriter.getIndexAttr(weightType.getDimSize(2))};
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, product,
                                                       rows, shape);
    return success();
  }
};

/// Whether `value` is a float constant at least `largest` in magnitude with
/// the sign of `positive`: the largest finite float or an infinity.
bool isUnboundedConstant(Value value, bool positive) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  APFloat bound = APFloat::getLargest(attr.getValue().getSemantics(),
                                      /*Negative=*/!positive);
  APFloat v = attr.getValue();
  return positive ? v >= bound : v <= bound;
}

/// `min(x, +FLT_MAX)` -> `x`, `max(x, -FLT_MAX)` -> `x` (either operand
/// order), for minimumf, minnumf, maximumf and maxnumf.
template <typename OpTy, bool IsMin>
struct DropUnboundedClamp : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    for (unsigned side = 0; side < 2; ++side)
      if (isUnboundedConstant(op->getOperand(side), /*positive=*/IsMin)) {
        rewriter.replaceOp(op, op->getOperand(1 - side));
        return success();
      }
    return rewriter.notifyMatchFailure(op, "bounded on both sides");
  }
};

/// The dimensions [first, last] when `map` reads exactly that run of two or
/// more consecutive dimensions, in order.
std::optional<std::pair<unsigned, unsigned>> getDimRun(AffineMap map) {
  if (map.getNumResults() < 2)
    return std::nullopt;
  auto first = dyn_cast<AffineDimExpr>(map.getResult(0));
  if (!first)
    return std::nullopt;
  for (auto [index, result] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(result);
    if (!dim || dim.getPosition() != first.getPosition() + index)
      return std::nullopt;
  }
  return std::make_pair(first.getPosition(),
                        first.getPosition() + map.getNumResults() - 1);
}

/// An elementwise generic whose constant operands vary along a run of
/// consecutive dimensions (a per-position divisor [OH, OW] of an average
/// pool that excludes its padding, a positional table) -> the same generic
/// on the data collapsed along that run, the constants read along the one
/// collapsed dimension, expanded back after: the quantizer takes constants
/// that vary along one dimension (a table per index).
struct CollapseConstantRun : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 ||
        !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not elementwise");
    auto type = cast<RankedTensorType>(op.getResult(0).getType());
    OpOperand *init = op.getDpsInitOperand(0);
    if (!op.getMatchingIndexingMap(init).isIdentity() ||
        op.payloadUsesValueFromOperand(init))
      return rewriter.notifyMatchFailure(op, "output not in loop order");
    std::optional<std::pair<unsigned, unsigned>> run;
    SmallVector<DenseElementsAttr> constants(op.getNumDpsInputs());
    Value data;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (map.isIdentity()) {
        data = data ? data : input->get();
        continue;
      }
      std::optional<std::pair<unsigned, unsigned>> inputRun = getDimRun(map);
      DenseElementsAttr values;
      if (!inputRun || (run && *run != *inputRun) ||
          !matchPattern(input->get(), m_Constant(&values)))
        return rewriter.notifyMatchFailure(op, "not a constant along a run");
      run = inputRun;
      constants[input->getOperandNumber()] = values;
    }
    if (!run || !data)
      return rewriter.notifyMatchFailure(op, "no constant along a run");
    int64_t runSize = 1;
    for (unsigned dim = run->first; dim <= run->second; ++dim) {
      if (type.isDynamicDim(dim))
        return rewriter.notifyMatchFailure(op, "dynamic dimension in the run");
      runSize *= type.getDimSize(dim);
    }

    Location loc = op.getLoc();
    SmallVector<ReassociationIndices> groups;
    SmallVector<int64_t> collapsedShape;
    for (unsigned dim = 0; dim < type.getRank(); ++dim) {
      if (dim > run->first && dim <= run->second) {
        groups.back().push_back(dim);
        continue;
      }
      groups.push_back({static_cast<int64_t>(dim)});
      collapsedShape.push_back(dim == run->first ? runSize
                                                 : type.getDimSize(dim));
    }
    auto collapsedType = type.clone(collapsedShape);
    unsigned rank = collapsedShape.size();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap alongRun = AffineMap::get(
        rank, 0, rewriter.getAffineDimExpr(run->first), op.getContext());
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      if (DenseElementsAttr values = constants[input->getOperandNumber()]) {
        auto vectorType =
            RankedTensorType::get({runSize}, values.getType().getElementType());
        inputs.push_back(arith::ConstantOp::create(rewriter, loc, vectorType,
                                                   values.reshape(vectorType)));
        maps.push_back(alongRun);
        continue;
      }
      inputs.push_back(tensor::CollapseShapeOp::create(
          rewriter, loc,
          collapsedType.clone(
              cast<ShapedType>(input->get().getType()).getElementType()),
          input->get(), groups));
      maps.push_back(identity);
    }
    maps.push_back(identity);
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> collapsedSizes;
    for (const ReassociationIndices &group : groups)
      collapsedSizes.push_back(
          group.size() == 1 ? sizes[group.front()]
                            : OpFoldResult(rewriter.getIndexAttr(
                                  collapsedShape[collapsedSizes.size()])));
    Value empty = tensor::EmptyOp::create(rewriter, loc, collapsedSizes,
                                          type.getElementType());
    auto collapsed = linalg::GenericOp::create(
        rewriter, loc, TypeRange{collapsedType}, inputs, ValueRange{empty},
        maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel));
    rewriter.inlineRegionBefore(op.getRegion(), collapsed.getRegion(),
                                collapsed.getRegion().end());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, type, collapsed.getResult(0), groups, sizes);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateFrontEndFormPatterns(RewritePatternSet &patterns) {
  patterns.add<InlineResourceConstant, FoldConstantTranspose,
               CanonicalizeMatmulMaps, BatchMatmulOfConstant,
               CollapseConstantRun, DropUnboundedClamp<arith::MinimumFOp, true>,
               DropUnboundedClamp<arith::MinNumFOp, true>,
               DropUnboundedClamp<arith::MaximumFOp, false>,
               DropUnboundedClamp<arith::MaxNumFOp, false>>(
      patterns.getContext());
}

LogicalResult mlir::qfhe::normalizeFrontEndForms(Operation *root) {
  bool missing = false;
  root->walk([&](arith::ConstantOp op) {
    auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
    if (resource && failed(inlineResource(resource))) {
      op.emitError() << "cannot read the constant's data: resource '"
                     << resource.getRawHandle().getKey()
                     << "' is missing from the file's dialect_resources or "
                        "does not hold "
                     << resource.getType();
      missing = true;
    }
  });
  if (missing)
    return failure();
  RewritePatternSet patterns(root->getContext());
  populateFrontEndFormPatterns(patterns);
  return applyPatternsGreedily(root, std::move(patterns));
}
