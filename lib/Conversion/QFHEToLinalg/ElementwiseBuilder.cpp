//===- ElementwiseBuilder.cpp - elementwise linalg.generic helper ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qfhe;

ChannelConstant ChannelConstant::fromIntegers(Type elementType,
                                              ArrayRef<int64_t> values,
                                              std::optional<int64_t> axis) {
  ChannelConstant constant{elementType, {}, axis};
  unsigned width = elementType.getIntOrFloatBitWidth();
  for (int64_t value : values)
    constant.values.push_back(
        IntegerAttr::get(elementType, APInt(width, value, /*isSigned=*/true)));
  return constant;
}

ChannelConstant ChannelConstant::fromFloats(Type elementType,
                                            ArrayRef<double> values,
                                            std::optional<int64_t> axis) {
  ChannelConstant constant{elementType, {}, axis};
  for (double value : values)
    constant.values.push_back(FloatAttr::get(elementType, value));
  return constant;
}

ChannelConstant mlir::qfhe::getScaleConstant(const QuantParams &params,
                                             Type floatType) {
  return ChannelConstant::fromFloats(floatType, params.getScales(),
                                     params.getAxis());
}

ChannelConstant mlir::qfhe::getZeroPointConstant(const QuantParams &params) {
  return ChannelConstant::fromIntegers(
      IntegerType::get(params.getType().getContext(), 64),
      params.getZeroPoints(), params.getAxis());
}

Value mlir::qfhe::createIntConstant(OpBuilder &builder, Location loc, Type type,
                                    int64_t value) {
  // Sign-extend explicitly: types wider than 64 bits (i128) would otherwise
  // zero-extend negative values.
  APInt bits(type.getIntOrFloatBitWidth(), value, /*isSigned=*/true);
  return arith::ConstantOp::create(builder, loc, type,
                                   builder.getIntegerAttr(type, bits));
}

Value mlir::qfhe::createFloatConstant(OpBuilder &builder, Location loc,
                                      Type type, double value) {
  return arith::ConstantOp::create(builder, loc, type,
                                   builder.getFloatAttr(type, value));
}

Value mlir::qfhe::castInteger(OpBuilder &builder, Location loc, Value value,
                              Type type, bool isUnsigned) {
  unsigned from = value.getType().getIntOrFloatBitWidth();
  unsigned to = type.getIntOrFloatBitWidth();
  if (from == to)
    return value;
  if (from > to)
    return arith::TruncIOp::create(builder, loc, type, value);
  if (isUnsigned)
    return arith::ExtUIOp::create(builder, loc, type, value);
  return arith::ExtSIOp::create(builder, loc, type, value);
}

Value mlir::qfhe::buildElementwise(OpBuilder &builder, Location loc,
                                   Value input, Type resultElementType,
                                   ArrayRef<ChannelConstant> constants,
                                   ElementwiseBodyBuilder body) {
  return buildElementwiseN(builder, loc, ValueRange{input}, resultElementType,
                           constants,
                           [&](OpBuilder &b, Location bodyLoc,
                               ValueRange elements, ValueRange channel) {
                             return body(b, bodyLoc, elements.front(), channel);
                           });
}

Value mlir::qfhe::buildElementwiseN(OpBuilder &builder, Location loc,
                                    ValueRange tensors, Type resultElementType,
                                    ArrayRef<ChannelConstant> constants,
                                    ElementwiseNBodyBuilder body) {
  auto inputType = cast<RankedTensorType>(tensors.front().getType());
  unsigned rank = inputType.getRank();
  MLIRContext *ctx = builder.getContext();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);

  SmallVector<Value> inputs(tensors);
  SmallVector<AffineMap> maps(tensors.size(), identity);
  // Per-axis constants become vector inputs read at the channel index; the
  // position of each one among the block arguments is recorded.
  SmallVector<std::optional<unsigned>> argumentOf;
  for (const ChannelConstant &constant : constants) {
    if (constant.values.size() == 1) {
      argumentOf.push_back(std::nullopt);
      continue;
    }
    auto vectorType = RankedTensorType::get(
        {static_cast<int64_t>(constant.values.size())}, constant.elementType);
    Value vector = arith::ConstantOp::create(
        builder, loc, vectorType,
        DenseElementsAttr::get(vectorType, constant.values));
    argumentOf.push_back(inputs.size());
    inputs.push_back(vector);
    maps.push_back(
        AffineMap::get(rank, 0, getAffineDimExpr(*constant.axis, ctx)));
  }
  maps.push_back(identity);

  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(builder, loc, tensors.front());
  Value init = tensor::EmptyOp::create(builder, loc, sizes, resultElementType);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  unsigned count = tensors.size();
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        SmallVector<Value> channelValues;
        for (auto [constant, argument] : llvm::zip(constants, argumentOf)) {
          if (argument) {
            channelValues.push_back(args[*argument]);
            continue;
          }
          channelValues.push_back(arith::ConstantOp::create(
              b, bodyLoc, cast<TypedAttr>(constant.values.front())));
        }
        Value result = body(b, bodyLoc, args.take_front(count), channelValues);
        linalg::YieldOp::create(b, bodyLoc, result);
      });
  return generic.getResult(0);
}

Value mlir::qfhe::emitQuantize(OpBuilder &b, Location loc, Value x, Value scale,
                               Value zeroPoint, int64_t qmin, int64_t qmax,
                               Type resultType) {
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  Value scaled = arith::DivFOp::create(b, loc, x, scale);
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  if (rounded.getType() != f64)
    rounded = arith::ExtFOp::create(b, loc, f64, rounded);
  Value zeroPointReal = arith::SIToFPOp::create(b, loc, f64, zeroPoint);
  Value low = arith::SubFOp::create(
      b, loc, createFloatConstant(b, loc, f64, qmin), zeroPointReal);
  Value high = arith::SubFOp::create(
      b, loc, createFloatConstant(b, loc, f64, qmax), zeroPointReal);
  // NaN reads as 0, clamped like any value (a zero point outside
  // [qmin, qmax] is clamped too).
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                      rounded, rounded);
  rounded = arith::SelectOp::create(
      b, loc, isNaN, createFloatConstant(b, loc, f64, 0.0), rounded);
  Value clamped = arith::MaxNumFOp::create(b, loc, rounded, low);
  clamped = arith::MinNumFOp::create(b, loc, clamped, high);
  Value integer = arith::FPToSIOp::create(b, loc, i64, clamped);
  integer = arith::AddIOp::create(b, loc, integer, zeroPoint);
  return castInteger(b, loc, integer, resultType, /*isUnsigned=*/false);
}

Value mlir::qfhe::emitCentered(OpBuilder &b, Location loc, Value q,
                               Value zeroPoint, bool isUnsigned) {
  Value wide = castInteger(b, loc, q, b.getI64Type(), isUnsigned);
  return arith::SubIOp::create(b, loc, wide, zeroPoint);
}

Value mlir::qfhe::emitDequantize(OpBuilder &b, Location loc, Value q,
                                 Value scale, Value zeroPoint,
                                 bool isUnsigned) {
  Value centered = emitCentered(b, loc, q, zeroPoint, isUnsigned);
  Value real = arith::SIToFPOp::create(b, loc, scale.getType(), centered);
  return arith::MulFOp::create(b, loc, real, scale);
}
