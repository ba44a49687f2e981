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

/// Clones the ops of a qfhe.apply or qfhe.apply_pair body at `b`'s
/// insertion point, its arguments read through `mapping`; returns the
/// yielded value.
Value cloneBody(OpBuilder &b, Block &body, IRMapping &mapping) {
  for (Operation &nested : body.without_terminator())
    b.clone(nested, mapping);
  return mapping.lookup(cast<YieldOp>(body.getTerminator()).getValue());
}

struct ApplyOpLowering : OpConversionPattern<ApplyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ApplyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParams in = *QuantParams::get(op.getInput().getType());
    QuantParams out = *QuantParams::get(op.getResult().getType());
    FloatType floatType = op.getFunctionType();
    Type resultType = rewriter.getIntegerType(out.getStorageWidth());
    bool isUnsigned = !in.isSigned();
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
          Value value = cloneBody(b, body, mapping);
          return emitQuantize(b, loc, value, channel[2], channel[3],
                              out.getQMin(), out.getQMax(), resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// apply_pair: dequantize both operands into the body's float type,
/// evaluate the body, quantize.
struct ApplyPairOpLowering : OpConversionPattern<ApplyPairOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ApplyPairOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParams lhsParams = *QuantParams::get(op.getLhs().getType());
    QuantParams rhsParams = *QuantParams::get(op.getRhs().getType());
    QuantParams out = *QuantParams::get(op.getResult().getType());
    FloatType floatType = op.getFunctionType();
    Type resultType = rewriter.getIntegerType(out.getStorageWidth());
    Block &body = op.getBody().front();
    Value result = buildElementwiseN(
        rewriter, op.getLoc(), ValueRange{adaptor.getLhs(), adaptor.getRhs()},
        resultType,
        {getScaleConstant(lhsParams, floatType),
         getZeroPointConstant(lhsParams),
         getScaleConstant(rhsParams, floatType),
         getZeroPointConstant(rhsParams), getScaleConstant(out, floatType),
         getZeroPointConstant(out)},
        [&](OpBuilder &b, Location loc, ValueRange elements,
            ValueRange values) {
          IRMapping mapping;
          mapping.map(body.getArgument(0),
                      emitDequantize(b, loc, elements[0], values[0], values[1],
                                     !lhsParams.isSigned()));
          mapping.map(body.getArgument(1),
                      emitDequantize(b, loc, elements[1], values[2], values[3],
                                     !rhsParams.isSigned()));
          Value value = cloneBody(b, body, mapping);
          return emitQuantize(b, loc, value, values[4], values[5],
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
    QuantParams lhsParams = *QuantParams::get(op.getLhs().getType());
    QuantParams rhsParams = *QuantParams::get(op.getRhs().getType());
    QuantParams out = *QuantParams::get(op.getResult().getType());
    // The rhs dequantized to f64 first, then combined with the lhs.
    bool rhsUnsigned = !rhsParams.isSigned();
    Value rhs = buildElementwise(
        rewriter, loc, adaptor.getRhs(), f64,
        {getScaleConstant(rhsParams, f64), getZeroPointConstant(rhsParams)},
        [&](OpBuilder &b, Location nestedLoc, Value q, ValueRange channel) {
          return emitDequantize(b, nestedLoc, q, channel[0], channel[1],
                                rhsUnsigned);
        });
    Type resultType = rewriter.getIntegerType(out.getStorageWidth());
    bool lhsUnsigned = !lhsParams.isSigned();
    // Per-channel constants of the lhs and the result.
    Value result = buildElementwiseN(
        rewriter, loc, ValueRange{adaptor.getLhs(), rhs}, resultType,
        {getScaleConstant(lhsParams, f64), getZeroPointConstant(lhsParams),
         getScaleConstant(out, f64), getZeroPointConstant(out)},
        [&](OpBuilder &b, Location nestedLoc, ValueRange elements,
            ValueRange values) {
          Value lhs = emitDequantize(b, nestedLoc, elements[0], values[0],
                                     values[1], lhsUnsigned);
          Value combined = ArithOp::create(b, nestedLoc, lhs, elements[1]);
          return emitQuantize(b, nestedLoc, combined, values[2], values[3],
                              out.getQMin(), out.getQMax(), resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateFunctionOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<ApplyOpLowering, ApplyPairOpLowering,
               BinaryOpLowering<AddOp, arith::AddFOp>,
               BinaryOpLowering<SubOp, arith::SubFOp>,
               BinaryOpLowering<MulOp, arith::MulFOp>>(typeConverter,
                                                       patterns.getContext());
}
