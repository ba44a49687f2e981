//===- DecomposeTensorPairs.cpp - min, max, div of two tensors ------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The quantizer computes a function of two encrypted tensors exactly when it
// is a sum, a difference or a product (the product by its squares trick:
// lookups of one operand's width plus one bit). The other elementwise
// functions of two tensors that models use are rewritten into those and
// functions of one tensor (one table each):
// - min(a, b) = a - relu(a - b), max(a, b) = b + relu(a - b) (PyTorch's
//   torch.minimum, ONNX Min and Max of two activations);
// - a / b = a * (1 / b) (the normalization of LayerNorm and of
//   F.normalize, the quotient of a gate).
// The rewrites agree with the original arithmetic up to the rounding of the
// extra float operation (and on infinities and NaN, which no program with
// finite value ranges computes).
//
//===----------------------------------------------------------------------===//

#include "DecomposeTensorPairs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// The elementwise functions of two tensors this file rewrites.
enum class PairKind { Min, Max, Div };

/// The kind of `op` when its body is one min, max or division of its two
/// inputs, in order.
std::optional<PairKind> matchPair(Operation *op, Block &body) {
  if (op->getNumOperands() != 2 || op->getOperand(0) != body.getArgument(0) ||
      op->getOperand(1) != body.getArgument(1))
    return std::nullopt;
  if (isa<arith::MinimumFOp, arith::MinNumFOp>(op))
    return PairKind::Min;
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
    return PairKind::Max;
  if (isa<arith::DivFOp>(op))
    return PairKind::Div;
  return std::nullopt;
}

/// Builds an elementwise generic like `op` (same output, same iterators) on
/// `inputs` read through `maps`, computing `body` on their elements.
Value buildLike(PatternRewriter &rewriter, linalg::GenericOp op,
                ValueRange inputs, ArrayRef<AffineMap> maps,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  auto generic = linalg::GenericOp::create(
      rewriter, op.getLoc(), op.getResultTypes(), inputs, op.getDpsInits(),
      allMaps, op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc,
                                body(b, loc, args.take_front(inputs.size())));
      });
  return generic.getResult(0);
}

/// min, max or division of two non-constant tensors -> sums, differences,
/// products and functions of one tensor.
struct DecomposeTensorPair : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op.getNumReductionLoops() != 0 || !op.hasPureTensorSemantics() ||
        op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
      return rewriter.notifyMatchFailure(op, "not elementwise on two inputs");
    Block &body = *op.getBlock();
    Operation *yielded = body.getTerminator()->getOperand(0).getDefiningOp();
    if (!yielded || &body.front() != yielded)
      return rewriter.notifyMatchFailure(op, "not one operation");
    std::optional<PairKind> kind = matchPair(yielded, body);
    if (!kind)
      return rewriter.notifyMatchFailure(op, "not a min, max or division");
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    if (lhs == rhs || matchPattern(lhs, m_Constant()) ||
        matchPattern(rhs, m_Constant()))
      return rewriter.notifyMatchFailure(op, "a function of one tensor");
    Type element = body.getArgument(0).getType();
    if (!isa<FloatType>(element) || body.getArgument(1).getType() != element)
      return rewriter.notifyMatchFailure(op, "not one float type");

    AffineMap lhsMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
    AffineMap rhsMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
    AffineMap identity = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    auto zero = [&](OpBuilder &b, Location loc) -> Value {
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(element, 0.0));
    };
    Value result;
    if (*kind == PairKind::Div) {
      // a * (1 / b): the reciprocal of b in b's own shape (once per element
      // of a broadcast divisor), then the product.
      auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
      if (!rhsType)
        return rewriter.notifyMatchFailure(op, "unranked divisor");
      Location loc = op.getLoc();
      Value init = tensor::EmptyOp::create(
          rewriter, loc, tensor::getMixedSizes(rewriter, loc, rhs), element);
      AffineMap rhsIdentity =
          rewriter.getMultiDimIdentityMap(rhsType.getRank());
      Value reciprocal =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{rhsType}, ValueRange{rhs},
              ValueRange{init}, ArrayRef<AffineMap>{rhsIdentity, rhsIdentity},
              SmallVector<utils::IteratorType>(rhsType.getRank(),
                                               utils::IteratorType::parallel),
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value one = arith::ConstantOp::create(
                    b, l, b.getFloatAttr(element, 1.0));
                linalg::YieldOp::create(
                    b, l,
                    ValueRange{arith::DivFOp::create(b, l, one, args[0])});
              })
              .getResult(0);
      result =
          buildLike(rewriter, op, {lhs, reciprocal}, {lhsMap, rhsMap},
                    [](OpBuilder &b, Location loc, ValueRange args) {
                      return arith::MulFOp::create(b, loc, args[0], args[1]);
                    });
    } else {
      // relu(a - b), then a - it (min) or b + it (max).
      Value difference =
          buildLike(rewriter, op, {lhs, rhs}, {lhsMap, rhsMap},
                    [](OpBuilder &b, Location loc, ValueRange args) {
                      return arith::SubFOp::create(b, loc, args[0], args[1]);
                    });
      Value excess = buildLike(
          rewriter, op, difference, identity,
          [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
            return arith::MaximumFOp::create(b, loc, args[0], zero(b, loc));
          });
      bool isMin = *kind == PairKind::Min;
      result =
          buildLike(rewriter, op, {isMin ? lhs : rhs, excess},
                    {isMin ? lhsMap : rhsMap, identity},
                    [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                      if (isMin)
                        return arith::SubFOp::create(b, loc, args[0], args[1]);
                      return arith::AddFOp::create(b, loc, args[0], args[1]);
                    });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateTensorPairPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeTensorPair>(patterns.getContext());
}
