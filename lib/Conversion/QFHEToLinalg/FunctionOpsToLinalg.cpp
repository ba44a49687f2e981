//===- FunctionOpsToLinalg.cpp - lowering of apply and binary ops ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// qfhe.apply becomes a linalg.generic that dequantizes, runs the body (cloned
// into the generic), and quantizes; add, sub and mul dequantize both operands
// into f64, combine them and quantize.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

struct ApplyOpLowering : OpConversionPattern<ApplyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ApplyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParamsAttr in = op.getInputParams(), out = op.getResultParams();
    FloatType floatType = op.getFunctionType();
    Type resultType = rewriter.getIntegerType(out.getBits());
    bool isUnsigned = !in.getIsSigned();
    Block &body = op.getBody().front();
    std::optional<int64_t> channelAxis = op.getChannelAxis();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultType,
        {getScaleConstant(in, floatType), getZeroPointConstant(in),
         getScaleConstant(out, floatType), getZeroPointConstant(out)},
        [&](OpBuilder &b, Location loc, Value q, ValueRange channel) {
          IRMapping mapping;
          mapping.map(
              body.getArgument(0),
              emitDequantize(b, loc, q, channel[0], channel[1], isUnsigned));
          if (channelAxis)
            mapping.map(body.getArgument(1),
                        linalg::IndexOp::create(b, loc, *channelAxis));
          for (Operation &nested : body.without_terminator())
            b.clone(nested, mapping);
          Value value =
              mapping.lookup(cast<YieldOp>(body.getTerminator()).getValue());
          return emitQuantize(b, loc, value, channel[2], channel[3],
                              out.getQMin(), out.getQMax(), resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// add, sub, mul: dequantize both into f64, combine, quantize.
template <typename OpTy, typename ArithOp>
struct BinaryOpLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f64 = rewriter.getF64Type();
    QuantParamsAttr lhsParams = op.getLhsParams(),
                    rhsParams = op.getRhsParams(), out = op.getResultParams();
    // The rhs dequantized to f64 first, then combined with the lhs.
    bool rhsUnsigned = !rhsParams.getIsSigned();
    Value rhs = buildElementwise(
        rewriter, loc, adaptor.getRhs(), f64,
        {getScaleConstant(rhsParams, f64), getZeroPointConstant(rhsParams)},
        [&](OpBuilder &b, Location nestedLoc, Value q, ValueRange channel) {
          return emitDequantize(b, nestedLoc, q, channel[0], channel[1],
                                rhsUnsigned);
        });
    Type resultType = rewriter.getIntegerType(out.getBits());
    bool lhsUnsigned = !lhsParams.getIsSigned();
    auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
    unsigned rank = lhsType.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    Value init = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, adaptor.getLhs()),
        resultType);
    // Per-channel constants of the lhs and result as vectors on their axes.
    SmallVector<ChannelConstant> constants{
        getScaleConstant(lhsParams, f64), getZeroPointConstant(lhsParams),
        getScaleConstant(out, f64), getZeroPointConstant(out)};
    SmallVector<Value> inputs{adaptor.getLhs(), rhs};
    SmallVector<AffineMap> maps{identity, identity};
    SmallVector<std::optional<unsigned>> argumentOf;
    for (const ChannelConstant &constant : constants) {
      if (constant.values.size() == 1) {
        argumentOf.push_back(std::nullopt);
        continue;
      }
      auto vectorType = RankedTensorType::get(
          {static_cast<int64_t>(constant.values.size())}, constant.elementType);
      argumentOf.push_back(inputs.size());
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, vectorType,
          DenseElementsAttr::get(vectorType, constant.values)));
      maps.push_back(
          AffineMap::get(rank, 0, rewriter.getAffineDimExpr(*constant.axis)));
    }
    maps.push_back(identity);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{init.getType()}, inputs, ValueRange{init},
            maps, iterators,
            [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
              SmallVector<Value> values;
              for (auto [constant, argument] : llvm::zip(constants, argumentOf))
                values.push_back(
                    argument ? args[*argument]
                             : Value(arith::ConstantOp::create(
                                   b, nestedLoc,
                                   cast<TypedAttr>(constant.values.front()))));
              Value lhs = emitDequantize(b, nestedLoc, args[0], values[0],
                                         values[1], lhsUnsigned);
              Value combined = ArithOp::create(b, nestedLoc, lhs, args[1]);
              Value q =
                  emitQuantize(b, nestedLoc, combined, values[2], values[3],
                               out.getQMin(), out.getQMax(), resultType);
              linalg::YieldOp::create(b, nestedLoc, q);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateFunctionOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<ApplyOpLowering, BinaryOpLowering<AddOp, arith::AddFOp>,
               BinaryOpLowering<SubOp, arith::SubFOp>,
               BinaryOpLowering<MulOp, arith::MulFOp>>(typeConverter,
                                                       patterns.getContext());
}
