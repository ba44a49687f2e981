//===- QuantOpsToLinalg.cpp - quantize/dequantize/requantize lowering -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Lowers the ops that move between reals and quantized integers to
// elementwise linalg.generic ops with exactly the arithmetic their
// descriptions state.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Support/QuantMath.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// q = clamp(roundeven(x / scale) + zp): the division and rounding happen in
/// the input float type, the clamp in f64 (exact for 32-bit storage), the
/// zero point is added as an integer.
struct QuantizeOpLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParamsAttr params = op.getParams();
    Type floatType = op.getInput().getType().getElementType();
    Type resultType = rewriter.getIntegerType(params.getBits());
    int64_t qmin = params.getQMin(), qmax = params.getQMax();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultType,
        {getScaleConstant(params, floatType), getZeroPointConstant(params)},
        [&](OpBuilder &b, Location loc, Value x, ValueRange channel) {
          return emitQuantize(b, loc, x, channel[0], channel[1], qmin, qmax,
                              resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x = (q - zp) * scale: the difference in i64, the product in the result
/// float type.
struct DequantizeOpLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParamsAttr params = op.getParams();
    Type floatType = op.getResult().getType().getElementType();
    bool isUnsigned = !params.getIsSigned();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), floatType,
        {getScaleConstant(params, floatType), getZeroPointConstant(params)},
        [&](OpBuilder &b, Location loc, Value q, ValueRange channel) {
          return emitDequantize(b, loc, q, channel[0], channel[1], isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// q' = clamp(floor(((q - zp) * M + 2^(s-1)) / 2^s) + zp'): all integer,
/// in i64 when the product cannot overflow it, in i128 otherwise.
struct RequantizeOpLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParamsAttr from = op.getFrom(), to = op.getTo();
    unsigned channels = std::max(from.getNumChannels(), to.getNumChannels());
    std::optional<int64_t> axis =
        from.isPerAxis() ? from.getAxis() : to.getAxis();
    SmallVector<int64_t> multipliers, roundings, shifts, zeroPointsIn,
        zeroPointsOut;
    for (unsigned c = 0; c < channels; ++c) {
      unsigned cf = from.isPerAxis() ? c : 0, ct = to.isPerAxis() ? c : 0;
      std::optional<FixedPointMultiplier> fixed =
          computeFixedPointMultiplier(from.getScale(cf) / to.getScale(ct));
      if (!fixed)
        return rewriter.notifyMatchFailure(
            op, "scale ratio has no fixed-point form (must be below 2^31)");
      multipliers.push_back(fixed->multiplier);
      shifts.push_back(fixed->shift);
      roundings.push_back(fixed->shift ? int64_t(1) << (fixed->shift - 1) : 0);
      zeroPointsIn.push_back(from.getZeroPoint(cf));
      zeroPointsOut.push_back(to.getZeroPoint(ct));
    }
    Type wide = rewriter.getIntegerType(from.getBits() <= 30 ? 64 : 128);
    Type resultType = rewriter.getIntegerType(to.getBits());
    bool isUnsigned = !from.getIsSigned();
    int64_t qmin = to.getQMin(), qmax = to.getQMax();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultType,
        {ChannelConstant::fromIntegers(wide, multipliers, axis),
         ChannelConstant::fromIntegers(wide, roundings, axis),
         ChannelConstant::fromIntegers(wide, shifts, axis),
         ChannelConstant::fromIntegers(wide, zeroPointsIn, axis),
         ChannelConstant::fromIntegers(wide, zeroPointsOut, axis)},
        [&](OpBuilder &b, Location loc, Value q, ValueRange channel) {
          Value x = castInteger(b, loc, q, wide, isUnsigned);
          x = arith::SubIOp::create(b, loc, x, channel[3]);
          x = arith::MulIOp::create(b, loc, x, channel[0]);
          x = arith::AddIOp::create(b, loc, x, channel[1]);
          x = arith::ShRSIOp::create(b, loc, x, channel[2]);
          x = arith::AddIOp::create(b, loc, x, channel[4]);
          x = arith::MaxSIOp::create(b, loc, x,
                                     createIntConstant(b, loc, wide, qmin));
          x = arith::MinSIOp::create(b, loc, x,
                                     createIntConstant(b, loc, wide, qmax));
          return castInteger(b, loc, x, resultType, /*isUnsigned=*/false);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateQuantOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<QuantizeOpLowering, DequantizeOpLowering, RequantizeOpLowering>(
      typeConverter, patterns.getContext());
}
