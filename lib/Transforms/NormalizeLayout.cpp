//===- NormalizeLayout.cpp - channels-last ops into channels-first --------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The quantizer knows convolutions and pools in NCHW form (what torch-mlir
// and the ONNX importer emit). Programs from TOSA (and TensorFlow) are NHWC:
// each NHWC convolution or pool becomes the NCHW op between two
// transposes, with a constant filter transposed at compile time, and
// transposes sink below elementwise ops so that the pairs between
// consecutive layers meet and cancel (linalg.transpose's canonicalization
// composes them into the identity).
//
//===----------------------------------------------------------------------===//

#include "NormalizeLayout.h"
#include "ConstantElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <type_traits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// NHWC to NCHW and back.
constexpr int64_t kToChannelsFirst[] = {0, 3, 1, 2};
constexpr int64_t kToChannelsLast[] = {0, 2, 3, 1};

/// The constant a linalg.fill fills `init` with, if it is one.
Attribute getFillValue(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  Attribute value;
  if (fill && matchPattern(fill.getInputs()[0], m_Constant(&value)))
    return value;
  return {};
}

/// The per-channel values broadcast into `init` along its last dimension
/// (a bias, as tosa-to-linalg writes it), if it is such a broadcast.
DenseElementsAttr getChannelBroadcast(Value init) {
  auto generic = init.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumReductionLoops() != 0)
    return {};
  Block &body = *generic.getBlock();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return {};
  AffineMap map = generic.getIndexingMapsArray()[0];
  unsigned last = generic.getNumLoops() - 1;
  if (map.getNumResults() != 1 ||
      map.getResult(0) != getAffineDimExpr(last, map.getContext()))
    return {};
  DenseElementsAttr values;
  if (!matchPattern(generic.getDpsInputs()[0], m_Constant(&values)))
    return {};
  return values;
}

/// Builds `op`'s NCHW counterpart on `input` (NCHW) into `init` (NCHW).
using ChannelsFirstBuilder =
    function_ref<Value(PatternRewriter &, Location, Value input, Value init)>;

/// Rewrites an NHWC op reading `input` into `init` as transposes around its
/// NCHW counterpart. The NCHW op accumulates into a fill of the same value
/// (0 for convolutions and sums, the lowest value for max pooling); a
/// per-channel broadcast init becomes a bias added after it, any other
/// init an elementwise addition at the end.
LogicalResult rewriteChannelsLast(PatternRewriter &rewriter, Operation *op,
                                  Value input, Value init, Attribute neutral,
                                  ChannelsFirstBuilder build) {
  Location loc = op->getLoc();
  Value inputFirst = createTranspose(rewriter, loc, input, kToChannelsFirst);
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim : kToChannelsFirst)
    sizes.push_back(tensor::getMixedSize(rewriter, loc, init, dim));
  Value empty = tensor::EmptyOp::create(rewriter, loc, sizes,
                                        resultType.getElementType());
  Attribute fillValue = getFillValue(init);
  DenseElementsAttr bias =
      fillValue ? DenseElementsAttr() : getChannelBroadcast(init);
  Attribute start = fillValue ? fillValue : neutral;
  Value startValue =
      arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(start));
  Value filled =
      linalg::FillOp::create(rewriter, loc, startValue, empty).getResult(0);
  Value result = build(rewriter, loc, inputFirst, filled);
  if (bias) {
    // result[n, c, h, w] + bias[c].
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap channel = AffineMap::get(4, 0, getAffineDimExpr(1, ctx));
    Value biasValue = arith::ConstantOp::create(rewriter, loc, bias);
    SmallVector<utils::IteratorType> parallel(4, utils::IteratorType::parallel);
    result = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{result.getType()},
                 ValueRange{result, biasValue}, ValueRange{empty},
                 ArrayRef<AffineMap>{identity, channel, identity}, parallel,
                 [](OpBuilder &b, Location nestedLoc, ValueRange args) {
                   Value sum =
                       arith::AddFOp::create(b, nestedLoc, args[0], args[1]);
                   linalg::YieldOp::create(b, nestedLoc, sum);
                 })
                 .getResult(0);
  }
  Value last = createTranspose(rewriter, loc, result, kToChannelsLast);
  if (!fillValue && !bias) {
    Value sumInit = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, init),
        resultType.getElementType());
    last = linalg::AddOp::create(rewriter, loc, ValueRange{last, init},
                                 ValueRange{sumInit})
               .getResult(0);
  }
  rewriter.replaceOp(op, last);
  return success();
}

/// A constant filter, transposed by `perm` into FCHW (or CHW).
Value transposedFilter(PatternRewriter &rewriter, Location loc, Value filter,
                       ArrayRef<int64_t> perm) {
  DenseElementsAttr values;
  if (!matchPattern(filter, m_Constant(&values)))
    return {};
  return arith::ConstantOp::create(rewriter, loc,
                                   transposeElements(values, perm));
}

/// A convolution with a constant filter: the filter's dimensions permuted by
/// `filterPerm` are the NCHW op's (FCHW, or CHW for depthwise).
template <typename NhwcOp, typename NchwOp>
struct ConvToChannelsFirst : OpRewritePattern<NhwcOp> {
  SmallVector<int64_t> filterPerm;

  ConvToChannelsFirst(MLIRContext *ctx, ArrayRef<int64_t> filterPerm)
      : OpRewritePattern<NhwcOp>(ctx), filterPerm(filterPerm) {}

  LogicalResult matchAndRewrite(NhwcOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value filter =
        transposedFilter(rewriter, op.getLoc(), op.getInputs()[1], filterPerm);
    if (!filter)
      return rewriter.notifyMatchFailure(op, "filter is not a constant");
    auto element = cast<ShapedType>(op.getResult(0).getType()).getElementType();
    return rewriteChannelsLast(
        rewriter, op, op.getInputs()[0], op.getOutputs()[0],
        rewriter.getZeroAttr(element),
        [&](PatternRewriter &b, Location loc, Value input, Value init) {
          return NchwOp::create(b, loc, TypeRange{init.getType()},
                                ValueRange{input, filter}, ValueRange{init},
                                op.getStrides(), op.getDilations())
              .getResult(0);
        });
  }
};

template <typename NhwcPool, typename NchwPool>
struct PoolToChannelsFirst : OpRewritePattern<NhwcPool> {
  using OpRewritePattern<NhwcPool>::OpRewritePattern;

  LogicalResult matchAndRewrite(NhwcPool op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    auto element = cast<FloatType>(
        cast<ShapedType>(op.getResult(0).getType()).getElementType());
    bool isMax = std::is_same_v<NhwcPool, linalg::PoolingNhwcMaxOp>;
    Attribute neutral =
        isMax ? rewriter.getFloatAttr(
                    element, APFloat::getInf(element.getFloatSemantics(),
                                             /*Negative=*/true))
              : rewriter.getZeroAttr(element);
    Value window = op.getInputs()[1];
    return rewriteChannelsLast(
        rewriter, op, op.getInputs()[0], op.getOutputs()[0], neutral,
        [&](PatternRewriter &b, Location loc, Value input, Value init) {
          return NchwPool::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{input, window}, ValueRange{init},
                                  op.getStrides(), op.getDilations())
              .getResult(0);
        });
  }
};

/// An elementwise linalg.generic whose non-constant inputs are all the
/// same transpose of their sources (read with identity maps) computes on
/// the sources instead, and the transpose moves after it: transposes then
/// meet the ones in front of the next layer and cancel.
struct SinkTransposeBelowElementwise : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumReductionLoops() != 0 ||
        !op.getIndexingMapsArray().back().isIdentity())
      return failure();
    std::optional<SmallVector<int64_t>> perm;
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(operand);
      if (matchPattern(operand->get(), m_Constant())) {
        inputs.push_back(operand->get());
        maps.push_back(map);
        continue;
      }
      auto transposeOp = operand->get().getDefiningOp<linalg::TransposeOp>();
      if (!transposeOp || !map.isIdentity())
        return failure();
      SmallVector<int64_t> thisPerm(transposeOp.getPermutation());
      if (perm && *perm != thisPerm)
        return failure();
      perm = thisPerm;
      inputs.push_back(transposeOp.getInput());
      maps.push_back(map);
    }
    if (!perm || op.getBody()->getNumArguments() != inputs.size() + 1 ||
        !op.getBody()->getArgument(inputs.size()).use_empty())
      return failure();
    // Loop i of the generic is dimension perm[i] of the sources: in the new
    // generic over the sources' dimensions, d_i becomes d_perm[i].
    MLIRContext *ctx = rewriter.getContext();
    unsigned rank = perm->size();
    SmallVector<AffineExpr> renamed;
    for (int64_t dim : *perm)
      renamed.push_back(getAffineDimExpr(dim, ctx));
    SmallVector<AffineMap> newMaps;
    for (auto [input, map] : llvm::zip(inputs, maps))
      newMaps.push_back(map.isIdentity() && !matchPattern(input, m_Constant())
                            ? AffineMap::getMultiDimIdentityMap(rank, ctx)
                            : map.replaceDimsAndSymbols(renamed, {}, rank, 0));
    newMaps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
    Location loc = op.getLoc();
    Value source = llvm::find_if(
        inputs, [](Value v) { return !matchPattern(v, m_Constant()); })[0];
    auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
    Value init = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, source),
        resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
        newMaps, op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                                generic.getRegion().begin());
    rewriter.replaceOp(
        op, createTranspose(rewriter, loc, generic.getResult(0), *perm));
    return success();
  }
};

/// A transpose of a padded tensor pads the transposed tensor instead, so
/// that a padding in front of a convolution or pool reaches it (where the
/// quantizer folds it).
struct SwapTransposeAndPad : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto pad = op.getInput().getDefiningOp<tensor::PadOp>();
    if (!pad || !pad.getConstantPaddingValue() ||
        pad.getStaticLow().size() != op.getPermutation().size() ||
        llvm::any_of(pad->getUsers(), [&](Operation *user) {
          return user != op && !isa<tensor::DimOp>(user);
        }))
      return failure();
    SmallVector<OpFoldResult> low, high;
    for (int64_t dim : op.getPermutation()) {
      low.push_back(pad.getMixedLowPad()[dim]);
      high.push_back(pad.getMixedHighPad()[dim]);
    }
    Location loc = op.getLoc();
    Value transposed =
        createTranspose(rewriter, loc, pad.getSource(), op.getPermutation());
    rewriter.replaceOpWithNewOp<tensor::PadOp>(op, RankedTensorType(),
                                               transposed, low, high,
                                               pad.getConstantPaddingValue());
    return success();
  }
};

/// Matrix-vector products become matrix products (the quantizer's form):
/// matvec(A, x) = A @ x[K, 1] and vecmat(x, A) = x[1, K] @ A, collapsed
/// back; with a constant matrix and a data vector, matvec(A, x) =
/// x[1, K] @ A^T, the transposed constant computed at compile time.
template <typename VectorOp>
struct VectorProductToMatmul : OpRewritePattern<VectorOp> {
  using OpRewritePattern<VectorOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(VectorOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    constexpr bool isMatvec = std::is_same_v<VectorOp, linalg::MatvecOp>;
    Value matrix = op.getInputs()[isMatvec ? 0 : 1];
    Value vector = op.getInputs()[isMatvec ? 1 : 0];
    Location loc = op.getLoc();
    DenseElementsAttr constantMatrix;
    bool transposeConstant =
        isMatvec && matchPattern(matrix, m_Constant(&constantMatrix)) &&
        !matchPattern(vector, m_Constant());
    Value lhs, rhs;
    // The vector as a row ([1, K]) or a column ([K, 1]).
    auto reshapeVector = [&](bool asRow) {
      auto type = cast<RankedTensorType>(vector.getType());
      SmallVector<int64_t> shape =
          asRow ? SmallVector<int64_t>{1, type.getDimSize(0)}
                : SmallVector<int64_t>{type.getDimSize(0), 1};
      return tensor::ExpandShapeOp::create(
          rewriter, loc, type.clone(shape), vector,
          ArrayRef<ReassociationIndices>{{0, 1}});
    };
    if (transposeConstant) {
      lhs = reshapeVector(/*asRow=*/true);
      rhs = arith::ConstantOp::create(
          rewriter, loc, transposeElements(constantMatrix, {1, 0}));
    } else if (isMatvec) {
      lhs = matrix;
      rhs = reshapeVector(/*asRow=*/false);
    } else {
      lhs = reshapeVector(/*asRow=*/true);
      rhs = matrix;
    }
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    Value init = op.getOutputs()[0];
    auto initType = cast<RankedTensorType>(init.getType());
    SmallVector<int64_t> productShape{lhsType.getDimSize(0),
                                      rhsType.getDimSize(1)};
    Value productInit = tensor::ExpandShapeOp::create(
        rewriter, loc, initType.clone(productShape), init,
        ArrayRef<ReassociationIndices>{{0, 1}});
    // A filled init stays a fill (what the quantizer recognizes).
    if (Attribute fillValue = getFillValue(init)) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, tensor::getMixedSizes(rewriter, loc, productInit),
          initType.getElementType());
      Value value =
          arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(fillValue));
      productInit =
          linalg::FillOp::create(rewriter, loc, value, empty).getResult(0);
    }
    Value product =
        linalg::MatmulOp::create(rewriter, loc, ValueRange{lhs, rhs},
                                 ValueRange{productInit})
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, initType, product, ArrayRef<ReassociationIndices>{{0, 1}});
    return success();
  }
};

} // namespace

LogicalResult mlir::qfhe::normalizeChannelsFirst(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  // HWCF and FHWC filters into FCHW.
  patterns.add<
      ConvToChannelsFirst<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNchwFchwOp>>(
      ctx, ArrayRef<int64_t>{3, 2, 0, 1});
  patterns.add<
      ConvToChannelsFirst<linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNchwFchwOp>>(
      ctx, ArrayRef<int64_t>{0, 3, 1, 2});
  patterns.add<ConvToChannelsFirst<linalg::DepthwiseConv2DNhwcHwcOp,
                                   linalg::DepthwiseConv2DNchwChwOp>>(
      ctx, ArrayRef<int64_t>{2, 0, 1});
  patterns.add<
      PoolToChannelsFirst<linalg::PoolingNhwcSumOp, linalg::PoolingNchwSumOp>,
      PoolToChannelsFirst<linalg::PoolingNhwcMaxOp, linalg::PoolingNchwMaxOp>,
      SinkTransposeBelowElementwise, SwapTransposeAndPad,
      VectorProductToMatmul<linalg::MatvecOp>,
      VectorProductToMatmul<linalg::VecmatOp>>(ctx);
  linalg::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
  return applyPatternsGreedily(root, std::move(patterns));
}
