//===- QuantOpsToLinalg.cpp - quantize/dequantize/requantize lowering -----===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Lowers the ops that move between reals and quantized integers to
// elementwise linalg.generic ops with exactly the arithmetic their
// descriptions state. The upstream quant dialect's casts get qfhe's
// semantics: `quant.qcast` is `qfhe.quantize` (round half to even,
// saturating), `quant.dcast` is `qfhe.dequantize`, and `quant.scast`
// reinterprets storage integers, which the type conversion makes the
// identity.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/TypeUtilities.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Support/Rescale.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// q = clamp(roundeven(x / scale) + zp): the division and rounding happen in
/// the input float type, the clamp in f64 (exact for 32-bit storage), the
/// zero point is added as an integer.
Value lowerQuantize(ConversionPatternRewriter &rewriter, Location loc,
                    Value input, Type floatType, Type quantizedType) {
  QuantParams params = *QuantParams::get(quantizedType);
  Type resultType = rewriter.getIntegerType(params.getStorageWidth());
  int64_t qmin = params.getQMin(), qmax = params.getQMax();
  return buildElementwise(
      rewriter, loc, input, resultType,
      {getScaleConstant(params, floatType), getZeroPointConstant(params)},
      [&](OpBuilder &b, Location nestedLoc, Value x, ValueRange channel) {
        return emitQuantize(b, nestedLoc, x, channel[0], channel[1], qmin, qmax,
                            resultType);
      });
}

/// x = (q - zp) * scale: the difference in i64, the product in the result
/// float type.
Value lowerDequantize(ConversionPatternRewriter &rewriter, Location loc,
                      Value input, Type quantizedType, Type floatType) {
  QuantParams params = *QuantParams::get(quantizedType);
  bool isUnsigned = !params.isSigned();
  return buildElementwise(
      rewriter, loc, input, floatType,
      {getScaleConstant(params, floatType), getZeroPointConstant(params)},
      [&](OpBuilder &b, Location nestedLoc, Value q, ValueRange channel) {
        return emitDequantize(b, nestedLoc, q, channel[0], channel[1],
                              isUnsigned);
      });
}

/// qfhe.quantize and qfhe.dequantize, and the quant dialect's qcast and
/// dcast: from a float tensor, a quantization; into one, a dequantization.
template <typename OpTy> struct CastLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = op->getOperand(0);
    Type resultType = op->getResult(0).getType();
    if (!isa<RankedTensorType>(input.getType()))
      return rewriter.notifyMatchFailure(op, "not a ranked tensor");
    Value converted = adaptor.getOperands()[0];
    Type inputElement = getElementTypeOrSelf(input);
    rewriter.replaceOp(op,
                       isa<FloatType>(inputElement)
                           ? lowerQuantize(rewriter, op.getLoc(), converted,
                                           inputElement, resultType)
                           : lowerDequantize(rewriter, op.getLoc(), converted,
                                             input.getType(),
                                             getElementTypeOrSelf(resultType)));
    return success();
  }
};

/// quant.scast: the storage integers are the converted values themselves.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type converted = getTypeConverter()->convertType(op.getType());
    if (!converted || converted != adaptor.getInput().getType())
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// q' = clamp(R(q - zp) + zp'), with R the rescaling of the op's rounding
/// mode: integer fixed-point arithmetic (in i64 when the product cannot
/// overflow it, in i128 otherwise), or a float32 multiplier in f64.
struct RequantizeOpLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    QuantParams from = *QuantParams::get(op.getInput().getType());
    QuantParams to = *QuantParams::get(op.getResult().getType());
    unsigned channels = std::max(from.getNumChannels(), to.getNumChannels());
    std::optional<int64_t> axis =
        from.isPerAxis() ? from.getAxis() : to.getAxis();
    RescaleRounding rounding = op.getRescaleRounding();
    Type resultType = rewriter.getIntegerType(to.getStorageWidth());
    bool isUnsigned = !from.isSigned();
    int64_t qmin = to.getQMin(), qmax = to.getQMax();
    Location loc = op.getLoc();
    if (rounding == RescaleRounding::FloatHalfEven) {
      SmallVector<double> multipliers;
      for (unsigned c = 0; c < channels; ++c)
        multipliers.push_back(
            getFloatMultiplier(from.getScale(c), to.getScale(c)));
      Type f64 = rewriter.getF64Type(), i64 = rewriter.getI64Type();
      SmallVector<int64_t> zeroPointsIn, zeroPointsOut;
      for (unsigned c = 0; c < channels; ++c) {
        zeroPointsIn.push_back(from.getZeroPoint(c));
        zeroPointsOut.push_back(to.getZeroPoint(c));
      }
      Value result = buildElementwise(
          rewriter, loc, adaptor.getInput(), resultType,
          {ChannelConstant::fromFloats(f64, multipliers, axis),
           ChannelConstant::fromIntegers(i64, zeroPointsIn, axis),
           ChannelConstant::fromIntegers(i64, zeroPointsOut, axis)},
          [&](OpBuilder &b, Location nestedLoc, Value q, ValueRange channel) {
            Value x = emitCentered(b, nestedLoc, q, channel[1], isUnsigned);
            Value real = arith::SIToFPOp::create(b, nestedLoc, f64, x);
            real = arith::MulFOp::create(b, nestedLoc, real, channel[0]);
            Value zeroPoint =
                arith::SIToFPOp::create(b, nestedLoc, f64, channel[2]);
            real = arith::AddFOp::create(b, nestedLoc, real, zeroPoint);
            real = math::RoundEvenOp::create(b, nestedLoc, real);
            real = arith::MaximumFOp::create(
                b, nestedLoc, real,
                createFloatConstant(b, nestedLoc, f64, qmin));
            real = arith::MinimumFOp::create(
                b, nestedLoc, real,
                createFloatConstant(b, nestedLoc, f64, qmax));
            Value integer = arith::FPToSIOp::create(b, nestedLoc, i64, real);
            return castInteger(b, nestedLoc, integer, resultType,
                               /*isUnsigned=*/false);
          });
      rewriter.replaceOp(op, result);
      return success();
    }

    SmallVector<int64_t> multipliers, roundings, negativeRoundings, shifts,
        zeroPointsIn, zeroPointsOut;
    for (unsigned c = 0; c < channels; ++c) {
      std::optional<FixedPointMultiplier> fixed =
          computeFixedPointMultiplier(from.getScale(c) / to.getScale(c));
      if (!fixed)
        return rewriter.notifyMatchFailure(
            op, "scale ratio has no fixed-point form (must be below 2^31)");
      int64_t round = fixed->shift ? int64_t(1) << (fixed->shift - 1) : 0;
      int64_t nudge =
          rounding == RescaleRounding::FixedPointDouble && fixed->shift > 31
              ? int64_t(1) << 30
              : 0;
      multipliers.push_back(fixed->multiplier);
      shifts.push_back(fixed->shift);
      roundings.push_back(round + nudge);
      negativeRoundings.push_back(round - nudge);
      zeroPointsIn.push_back(from.getZeroPoint(c));
      zeroPointsOut.push_back(to.getZeroPoint(c));
    }
    Type wide =
        rewriter.getIntegerType(from.getStorageWidth() <= 30 ? 64 : 128);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), resultType,
        {ChannelConstant::fromIntegers(wide, multipliers, axis),
         ChannelConstant::fromIntegers(wide, roundings, axis),
         ChannelConstant::fromIntegers(wide, negativeRoundings, axis),
         ChannelConstant::fromIntegers(wide, shifts, axis),
         ChannelConstant::fromIntegers(wide, zeroPointsIn, axis),
         ChannelConstant::fromIntegers(wide, zeroPointsOut, axis)},
        [&](OpBuilder &b, Location nestedLoc, Value q, ValueRange channel) {
          Value x = castInteger(b, nestedLoc, q, wide, isUnsigned);
          x = arith::SubIOp::create(b, nestedLoc, x, channel[4]);
          Value zero = createIntConstant(b, nestedLoc, wide, 0);
          Value negative = arith::CmpIOp::create(
              b, nestedLoc, arith::CmpIPredicate::slt, x, zero);
          Value round = arith::SelectOp::create(b, nestedLoc, negative,
                                                channel[2], channel[1]);
          x = arith::MulIOp::create(b, nestedLoc, x, channel[0]);
          x = arith::AddIOp::create(b, nestedLoc, x, round);
          x = arith::ShRSIOp::create(b, nestedLoc, x, channel[3]);
          x = arith::AddIOp::create(b, nestedLoc, x, channel[5]);
          x = arith::MaxSIOp::create(
              b, nestedLoc, x, createIntConstant(b, nestedLoc, wide, qmin));
          x = arith::MinSIOp::create(
              b, nestedLoc, x, createIntConstant(b, nestedLoc, wide, qmax));
          return castInteger(b, nestedLoc, x, resultType, /*isUnsigned=*/false);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateQuantOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns
      .add<CastLowering<QuantizeOp>, CastLowering<quant::QuantizeCastOp>,
           CastLowering<DequantizeOp>, CastLowering<quant::DequantizeCastOp>,
           StorageCastLowering, RequantizeOpLowering>(typeConverter,
                                                      patterns.getContext());
}
