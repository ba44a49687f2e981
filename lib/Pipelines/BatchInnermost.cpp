//===- BatchInnermost.cpp - the batch loop innermost in narrow reductions -===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A convolution's output rows are a few elements wide (4 in the digits CNN's
// second convolution), too few for a vector. The batch, hundreds of samples,
// is not: this pass transposes the operands that the batch indexes so that
// the batch is their last dimension and runs the batch loop innermost. See
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Pipelines/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace qfhe {
#define GEN_PASS_DEF_BATCHINNERMOST
#include "qfhe/Pipelines/Passes.h.inc"
} // namespace qfhe
} // namespace mlir

using namespace mlir;

namespace {

/// The position of the result `d<loop>` in `map`, or nothing when `loop`
/// does not occur in it. Fails when `loop` occurs in another expression
/// (`d0 + d4`, say) or twice: the operand cannot be transposed to put it
/// last.
FailureOr<std::optional<unsigned>> getPlainPosition(AffineMap map,
                                                    unsigned loop) {
  std::optional<unsigned> position;
  for (auto [index, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(loop))
      continue;
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || position)
      return failure();
    position = index;
  }
  return position;
}

/// The batch loop of `op`: its only parallel loop of dynamic size, when the
/// innermost loop is parallel and short (at most `maxInnerTrips`
/// iterations), the op reduces, and every operand indexes the batch by
/// itself, the output included.
std::optional<unsigned> getBatchLoop(linalg::GenericOp op,
                                     unsigned maxInnerTrips) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (iterators.empty() || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() ||
      !llvm::any_of(iterators, linalg::isReductionIterator) ||
      !linalg::isParallelIterator(iterators.back()) ||
      ShapedType::isDynamic(ranges.back()) ||
      ranges.back() > static_cast<int64_t>(maxInnerTrips))
    return std::nullopt;
  std::optional<unsigned> batch;
  for (unsigned loop = 0; loop < ranges.size(); ++loop) {
    if (!ShapedType::isDynamic(ranges[loop]))
      continue;
    if (batch || !linalg::isParallelIterator(iterators[loop]))
      return std::nullopt;
    batch = loop;
  }
  if (!batch)
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray())
    if (failed(getPlainPosition(map, *batch)))
      return std::nullopt;
  FailureOr<std::optional<unsigned>> output = getPlainPosition(
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)), *batch);
  if (!*output)
    return std::nullopt;
  return batch;
}

/// The permutation of `rank` dimensions that moves `position` last.
SmallVector<int64_t> getMoveLast(unsigned rank, unsigned position) {
  SmallVector<int64_t> permutation;
  for (unsigned dim = 0; dim < rank; ++dim)
    if (dim != position)
      permutation.push_back(dim);
  permutation.push_back(position);
  return permutation;
}

/// `value` transposed by `permutation` (linalg.transpose's meaning: result
/// dimension i is dimension permutation[i] of `value`), as a linalg.generic
/// that elementwise fusion merges with producers and consumers. Its loops
/// run in the order of the dimensions of `value` when `inSourceOrder`, else
/// of the result: the batch is never the innermost loop of a transpose,
/// which would step over strided elements (LLVM vectorizes such a loop
/// with gathers or scatters, scalarized for bytes).
Value transpose(OpBuilder &builder, Location loc, Value value,
                ArrayRef<int64_t> permutation, bool inSourceOrder) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t dim : permutation)
    permuted.push_back(sizes[dim]);
  Type element = getElementTypeOrSelf(value.getType());
  Value init = tensor::EmptyOp::create(builder, loc, permuted, element);
  MLIRContext *ctx = builder.getContext();
  unsigned rank = permutation.size();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  // In the source's order, result dimension i is loop permutation[i]; in
  // the result's order, source dimension j is loop inverse[j].
  SmallVector<unsigned> forward(permutation.begin(), permutation.end());
  SmallVector<unsigned> inverse(
      llvm::to_vector_of<unsigned>(invertPermutationVector(permutation)));
  AffineMap source = inSourceOrder ? identity : identity.getSubMap(inverse);
  AffineMap result = inSourceOrder ? identity.getSubMap(forward) : identity;
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             builder, loc, TypeRange{init.getType()}, ValueRange{value},
             ValueRange{init}, ArrayRef<AffineMap>{source, result}, iterators,
             [](OpBuilder &body, Location bodyLoc, ValueRange args) {
               linalg::YieldOp::create(body, bodyLoc, args.front());
             })
      ->getResult(0);
}

/// Rewrites `op` with the batch last in the operands that it indexes and
/// the batch loop innermost; its result transposed back.
void moveBatchInnermost(IRRewriter &rewriter, linalg::GenericOp op,
                        unsigned batch, SmallVectorImpl<Value> &transposes) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> outputPermutation;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    std::optional<unsigned> position = *getPlainPosition(map, batch);
    if (!position || *position + 1 == map.getNumResults()) {
      operands.push_back(operand.get());
      maps.push_back(map);
      continue;
    }
    SmallVector<int64_t> permutation =
        getMoveLast(map.getNumResults(), *position);
    operands.push_back(transpose(rewriter, loc, operand.get(), permutation,
                                 /*inSourceOrder=*/true));
    transposes.push_back(operands.back());
    SmallVector<unsigned> results(permutation.begin(), permutation.end());
    maps.push_back(map.getSubMap(results));
    if (op.isDpsInit(&operand))
      outputPermutation = permutation;
  }
  unsigned numInputs = op.getNumDpsInputs();
  auto moved = linalg::GenericOp::create(
      rewriter, loc, TypeRange{operands.back().getType()},
      ArrayRef(operands).take_front(numInputs),
      ArrayRef(operands).drop_front(numInputs), maps,
      op.getIteratorTypesArray());
  rewriter.inlineRegionBefore(op.getRegion(), moved.getRegion(),
                              moved.getRegion().begin());
  // A valid permutation of the loops cannot fail.
  linalg::GenericOp generic = *linalg::interchangeGenericOp(
      rewriter, moved,
      llvm::to_vector_of<unsigned>(getMoveLast(moved.getNumLoops(), batch)));
  Value result = generic->getResult(0);
  if (!outputPermutation.empty()) {
    rewriter.setInsertionPointAfter(generic);
    result = transpose(rewriter, loc, result,
                       invertPermutationVector(outputPermutation),
                       /*inSourceOrder=*/false);
  }
  rewriter.replaceOp(op, result);
}

bool isAllParallel(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// Generalizes the named ops without reductions (linalg.broadcast, say) that
/// `transposes` read, for elementwise fusion, which fuses generics only.
void generalizeProducers(IRRewriter &rewriter, ArrayRef<Value> transposes) {
  for (Value transposed : transposes) {
    auto generic = transposed.getDefiningOp<linalg::GenericOp>();
    if (!generic)
      continue;
    auto producer =
        generic.getDpsInputs().front().getDefiningOp<linalg::LinalgOp>();
    if (!producer || isa<linalg::GenericOp>(producer) ||
        !isAllParallel(producer))
      continue;
    rewriter.setInsertionPoint(producer);
    (void)linalg::generalizeNamedOp(rewriter, producer);
  }
}

/// The loop of an elementwise generic that indexes the last dimension of
/// its output, when it is the batch (dynamic) and the last dimension of
/// every input that it indexes: such a generic, once fused with the
/// transposes around a batch-innermost reduction, reads and writes
/// consecutive samples in that loop.
std::optional<unsigned> getContiguousBatchLoop(linalg::GenericOp op) {
  if (!isAllParallel(op) || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || op.getNumLoops() < 2)
    return std::nullopt;
  AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  auto last = dyn_cast<AffineDimExpr>(output.getResults().back());
  if (!last)
    return std::nullopt;
  unsigned loop = last.getPosition();
  if (!ShapedType::isDynamic(op.getStaticLoopRanges()[loop]) ||
      loop + 1 == op.getNumLoops())
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray()) {
    FailureOr<std::optional<unsigned>> position = getPlainPosition(map, loop);
    if (failed(position) ||
        (*position && **position + 1 != map.getNumResults()))
      return std::nullopt;
  }
  return loop;
}

/// Whether `op` only permutes the dimensions of its one input: all loops
/// parallel, permutation maps, a body that yields the input element.
bool isTranspose(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !isAllParallel(op) ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isPermutation(); }))
    return false;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  return yield.getValues().size() == 1 &&
         yield.getValues().front() == op.getBody()->getArgument(0);
}

/// extract_slice(transpose(x)) -> transpose(extract_slice(x)): the slices
/// that qfhe-batch-contractions takes of a batched contraction's result,
/// one per part, then read the contraction's batch-last result through a
/// transpose that elementwise fusion merges into their consumer.
struct SwapSliceWithTranspose : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto transposeOp = slice.getSource().getDefiningOp<linalg::GenericOp>();
    if (!transposeOp || !isTranspose(transposeOp))
      return rewriter.notifyMatchFailure(slice, "not a slice of a transpose");
    AffineMap input = transposeOp.getIndexingMapsArray()[0];
    AffineMap output = transposeOp.getIndexingMapsArray()[1];
    unsigned rank = input.getNumResults();
    // Source dimension j is result dimension resultOf[j].
    SmallVector<unsigned> resultOf(rank);
    for (unsigned i = 0; i < rank; ++i)
      resultOf[*input.getResultPosition(
          getAffineDimExpr(output.getDimPosition(i), slice.getContext()))] = i;
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<OpFoldResult> resultOffsets = slice.getMixedOffsets(),
                              resultSizes = slice.getMixedSizes(),
                              resultStrides = slice.getMixedStrides();
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<int64_t> keptShape;
    // The kept result dimensions, in order, numbered among the kept source
    // dimensions.
    SmallVector<int64_t> keptSourceIndex(rank, -1);
    unsigned kept = 0;
    for (unsigned j = 0; j < rank; ++j) {
      unsigned i = resultOf[j];
      offsets.push_back(resultOffsets[i]);
      sizes.push_back(resultSizes[i]);
      strides.push_back(resultStrides[i]);
      if (!dropped.test(i)) {
        keptSourceIndex[i] = kept++;
        std::optional<int64_t> size = getConstantIntValue(resultSizes[i]);
        keptShape.push_back(size ? *size : ShapedType::kDynamic);
      }
    }
    auto sourceType =
        cast<RankedTensorType>(transposeOp.getDpsInputs()[0].getType());
    auto reducedType =
        RankedTensorType::get(keptShape, sourceType.getElementType());
    Location loc = slice.getLoc();
    Value sourceSlice = tensor::ExtractSliceOp::create(
        rewriter, loc, reducedType, transposeOp.getDpsInputs()[0], offsets,
        sizes, strides);
    SmallVector<int64_t> permutation;
    for (unsigned i = 0; i < rank; ++i)
      if (!dropped.test(i))
        permutation.push_back(keptSourceIndex[i]);
    rewriter.replaceOp(slice, transpose(rewriter, loc, sourceSlice, permutation,
                                        /*inSourceOrder=*/false));
    return success();
  }
};

struct BatchInnermostPass : qfhe::impl::BatchInnermostBase<BatchInnermostPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, unsigned>> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<unsigned> batch = getBatchLoop(op, maxInnerTripCount))
        work.emplace_back(op, *batch);
    });
    if (work.empty())
      return;
    IRRewriter rewriter(&getContext());
    SmallVector<Value> transposes;
    for (auto [op, batch] : work)
      moveBatchInnermost(rewriter, op, batch, transposes);
    generalizeProducers(rewriter, transposes);

    // The transposes fused with the elementwise ops around them; never into
    // a reduction, which would recompute its producer at every step.
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *fused) {
          auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
          auto producer = fused->get().getDefiningOp<linalg::LinalgOp>();
          return consumer && producer && isAllParallel(consumer) &&
                 isAllParallel(producer);
        });
    patterns.add<SwapSliceWithTranspose>(&getContext());
    // Sizes taken from the operands, not from ops that fusion leaves dead.
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    SmallVector<std::pair<linalg::GenericOp, unsigned>> elementwise;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<unsigned> loop = getContiguousBatchLoop(op))
        elementwise.emplace_back(op, *loop);
    });
    for (auto [op, loop] : elementwise) {
      rewriter.setInsertionPoint(op);
      // A valid permutation of the loops cannot fail.
      (void)linalg::interchangeGenericOp(
          rewriter, op,
          llvm::to_vector_of<unsigned>(getMoveLast(op.getNumLoops(), loop)));
    }
  }
};

} // namespace
