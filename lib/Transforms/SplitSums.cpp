//===- SplitSums.cpp - sums of many terms as sums of sums ---------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// An encrypted sum of K terms of n bits needs about n + log2(K) bits: under
// a cap of 8, the mean of GroupNorm over 256 values does not fit even with
// 1-bit terms, and LayerNorm over 128 features leaves them 1 bit. A sum
// over more than `max-terms` terms becomes a sum of partial sums of at most
// that many terms each: the reduced dimensions are moved last and
// collapsed into one of K terms, split into Q parts of S = K / Q terms (S
// the largest divisor of K up to max-terms), and summed over the
// parts' terms, then over the parts. A sum over a prime number of terms
// stays whole (the quantizer has no zero padding of encrypted values). The
// quantizer treats each stage as a sum of its own, with its own input width:
// the partial sums are requantized between the stages, as the parts of a
// chunked dot product are. A stage with still more than `max-terms` terms is
// split again. The result is the same sum, up to the order of the float
// additions. In a calibrated program the whole sum keeps its recorded range and
// each partial sum gets S times its terms' (calibration never saw the partial
// sums).
//
//===----------------------------------------------------------------------===//

#include "Quantize/Classify.h"
#include "qfhe/Analysis/RangeAnalysis.h"
#include "qfhe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::qfhe {
#define GEN_PASS_DEF_SPLITSUMS
#include "qfhe/Transforms/Passes.h.inc"
} // namespace mlir::qfhe

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// A zero-filled f32 tensor of `shape`, its dynamic sizes those of the same
/// dimensions of `source` (the sizes of the kept dimensions, which come
/// first in both).
Value createZeros(PatternRewriter &rewriter, Location loc,
                  ArrayRef<int64_t> shape, Value source) {
  SmallVector<Value> dynamicSizes;
  for (auto [dim, size] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(tensor::DimOp::create(rewriter, loc, source,
                                                   static_cast<int64_t>(dim)));
  Type f32 = rewriter.getF32Type();
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, shape, f32, dynamicSizes);
  Value zero = arith::ConstantOp::create(rewriter, loc, f32,
                                         rewriter.getF32FloatAttr(0.0f));
  return linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
}

/// The sums of `input` over its last dimension: the generic
/// `matchSumReduction` recognizes.
Value sumLastDimension(PatternRewriter &rewriter, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Value init = createZeros(rewriter, loc, type.getShape().drop_back(), input);
  MLIRContext *context = rewriter.getContext();
  SmallVector<AffineExpr> kept;
  for (int64_t dim = 0; dim + 1 < rank; ++dim)
    kept.push_back(getAffineDimExpr(dim, context));
  SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, kept, context)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             rewriter, loc, init.getType(), input, init, maps, iterators,
             [](OpBuilder &b, Location l, ValueRange args) {
               Value sum = arith::AddFOp::create(b, l, args[0], args[1]);
               linalg::YieldOp::create(b, l, sum);
             })
      .getResult(0);
}

struct SplitWideSum : OpRewritePattern<linalg::GenericOp> {
  SplitWideSum(MLIRContext *context, int64_t maxTerms)
      : OpRewritePattern(context), maxTerms(maxTerms) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SumReduction> sum = matchSumReduction(op);
    if (!sum)
      return failure();
    auto type = cast<RankedTensorType>(sum->input.getType());
    if (!type.getElementType().isF32())
      return failure();
    int64_t rank = type.getRank(), terms = 1;
    SmallVector<bool> reduced(rank, false);
    for (int64_t dim : sum->dimensions) {
      if (type.isDynamicDim(dim))
        return failure();
      reduced[dim] = true;
      if (llvm::MulOverflow(terms, type.getDimSize(dim), terms))
        return failure();
    }
    if (terms <= maxTerms)
      return failure();
    // The fewest parts of equal size that keep each within max-terms, the
    // largest divisor of K up to max-terms (the quantizer has no zero
    // padding of encrypted values to even them out).
    int64_t partTerms = maxTerms;
    while (partTerms > 1 && terms % partTerms != 0)
      --partTerms;
    if (partTerms == 1)
      return rewriter.notifyMatchFailure(op, "a prime number of terms");
    int64_t parts = terms / partTerms;

    // The kept dimensions, in order, then the reduced ones.
    Location loc = op.getLoc();
    SmallVector<int64_t> permutation, keptShape;
    for (int64_t dim = 0; dim < rank; ++dim)
      if (!reduced[dim]) {
        permutation.push_back(dim);
        keptShape.push_back(type.getDimSize(dim));
      }
    for (int64_t dim = 0; dim < rank; ++dim)
      if (reduced[dim])
        permutation.push_back(dim);
    Value data = sum->input;
    if (!llvm::equal(permutation, llvm::seq<int64_t>(0, rank))) {
      SmallVector<int64_t> shape;
      for (int64_t dim : permutation)
        shape.push_back(type.getDimSize(dim));
      Value init = tensor::EmptyOp::create(
          rewriter, loc, shape, type.getElementType(),
          dynamicSizesOf(rewriter, loc, data, permutation));
      data = linalg::TransposeOp::create(rewriter, loc, data, init, permutation)
                 .getResult()[0];
    }
    // [kept..., K]
    int64_t kept = keptShape.size();
    if (rank - kept > 1) {
      SmallVector<ReassociationIndices> groups;
      for (int64_t dim = 0; dim < kept; ++dim)
        groups.push_back({dim});
      groups.push_back(llvm::to_vector(llvm::seq<int64_t>(kept, rank)));
      SmallVector<int64_t> shape(keptShape);
      shape.push_back(terms);
      data = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          data, groups);
    }
    // [kept..., Q, S]
    SmallVector<ReassociationIndices> groups;
    for (int64_t dim = 0; dim < kept; ++dim)
      groups.push_back({dim});
    groups.push_back({kept, kept + 1});
    SmallVector<int64_t> split(keptShape);
    split.append({parts, partTerms});
    data = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(split, type.getElementType()),
        data, groups);
    Value partial = sumLastDimension(rewriter, loc, data);
    // Calibration saw the terms, not the partial sums: each is bounded by
    // S times the terms' calibrated range.
    if (std::optional<TensorRange> observed = getObservedRange(sum->input)) {
      Interval whole = observed->getWhole();
      double count = static_cast<double>(partTerms);
      TensorRange bound(Interval(count * whole.getLo(), count * whole.getHi()));
      partial.getDefiningOp()->setAttr(
          kObservedRangeAttr,
          rewriter.getArrayAttr({bound.toAttribute(rewriter.getContext())}));
    }
    Value total = sumLastDimension(rewriter, loc, partial);
    // The whole sum keeps what calibration recorded of it (qfhe.observed);
    // the partial sums get ranges inferred from their terms'.
    total.getDefiningOp()->setDiscardableAttrs(
        op->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, total);
    return success();
  }

  /// The dynamic sizes of `value` transposed by `permutation`.
  static SmallVector<Value> dynamicSizesOf(PatternRewriter &rewriter,
                                           Location loc, Value value,
                                           ArrayRef<int64_t> permutation) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<Value> sizes;
    for (int64_t dim : permutation)
      if (type.isDynamicDim(dim))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, value, dim));
    return sizes;
  }

  int64_t maxTerms;
};

struct SplitSumsPass : qfhe::impl::SplitSumsBase<SplitSumsPass> {
  using SplitSumsBase::SplitSumsBase;

  /// The largest max-terms: the pipeline's at a cap of 32 bits.
  static constexpr int64_t kMostTerms = int64_t(1) << 16;

  void runOnOperation() override {
    if (maxTerms == 0)
      return;
    if (maxTerms < 2 || maxTerms > kMostTerms) {
      getOperation().emitError()
          << "qfhe-split-sums: max-terms must be 0 (no split) or from 2 to "
          << kMostTerms << ", not " << static_cast<int64_t>(maxTerms);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<SplitWideSum>(&getContext(), maxTerms);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
