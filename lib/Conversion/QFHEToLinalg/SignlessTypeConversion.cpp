//===- SignlessTypeConversion.cpp - si/ui types to signless ---------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Quantized values (`!quant.uniform` elements) and integers that state their
// signedness (`ui8`, as the ONNX importer writes constants) become signless
// integers of their storage width, which upstream arithmetic wants. This
// file converts the types of every op that is not a qfhe or quant op (those
// have patterns of their own): function signatures, calls and returns,
// constants, and any other op (data movement on quantized tensors), by
// cloning it with converted types.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Conversion/QFHEToLinalg/QFHEToLinalg.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Dialect/QFHE/IR/QFHEDialect.h"

using namespace mlir;
using namespace mlir::qfhe;

SignlessTypeConverter::SignlessTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](IntegerType type) -> Type {
    if (type.isSignless())
      return type;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  // Quantized elements are their storage integers.
  addConversion([](quant::QuantizedType type) -> Type {
    return IntegerType::get(type.getContext(),
                            type.getStorageTypeIntegralWidth());
  });
  addConversion([this](RankedTensorType type) -> Type {
    return type.clone(convertType(type.getElementType()));
  });
  addConversion([this](UnrankedTensorType type) -> Type {
    return UnrankedTensorType::get(convertType(type.getElementType()));
  });
}

namespace {

/// Converts the element type of a dense integer attribute (same bit width).
static Attribute convertAttribute(Attribute attr,
                                  const TypeConverter &converter) {
  auto dense = dyn_cast<DenseIntElementsAttr>(attr);
  if (!dense)
    return attr;
  auto newType =
      dyn_cast_or_null<ShapedType>(converter.convertType(dense.getType()));
  if (!newType || newType == dense.getType())
    return attr;
  return dense.bitcast(newType.getElementType());
}

/// Rebuilds any op whose operand, result or region types change: same name,
/// attributes (dense integer constants re-typed), operands, and regions with
/// converted block arguments.
struct ConvertAnyOpTypes : ConversionPattern {
  ConvertAnyOpTypes(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<QFHEDialect, quant::QuantDialect>(op->getDialect()) ||
        isa<func::FuncOp>(op))
      return rewriter.notifyMatchFailure(op, "handled by other patterns");
    const TypeConverter &converter = *getTypeConverter();
    SmallVector<Type> resultTypes;
    if (failed(converter.convertTypes(op->getResultTypes(), resultTypes)))
      return rewriter.notifyMatchFailure(op, "result types do not convert");

    OperationState state(op->getLoc(), op->getName().getStringRef(), operands,
                         resultTypes, {}, op->getSuccessors());
    for (NamedAttribute attr : op->getAttrs())
      state.addAttribute(attr.getName(),
                         convertAttribute(attr.getValue(), converter));
    for (Region &region : op->getRegions()) {
      Region *newRegion = state.addRegion();
      rewriter.inlineRegionBefore(region, *newRegion, newRegion->begin());
      if (failed(rewriter.convertRegionTypes(newRegion, converter)))
        return rewriter.notifyMatchFailure(op, "region types do not convert");
    }
    Operation *newOp = rewriter.create(state);
    rewriter.replaceOp(op, newOp->getResults());
    return success();
  }
};

/// Drops a `tensor.bitcast` whose types become the same (the integer
/// program's storage casts, si8 to i8, once everything is signless):
/// upstream bufferization rejects same-type bitcasts.
struct DropSameTypeBitcast : OpConversionPattern<tensor::BitcastOp> {
  DropSameTypeBitcast(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(tensor::BitcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (!resultType || resultType != adaptor.getSource().getType())
      return rewriter.notifyMatchFailure(op, "the types still differ");
    rewriter.replaceOp(op, adaptor.getSource());
    return success();
  }
};

} // namespace

void mlir::qfhe::populateSignlessTypeConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    ConversionTarget &target) {
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  patterns.add<ConvertAnyOpTypes, DropSameTypeBitcast>(typeConverter,
                                                       patterns.getContext());
  target.addDynamicallyLegalOp<tensor::BitcastOp>(
      [&typeConverter](tensor::BitcastOp op) {
        return typeConverter.isLegal(op.getOperation()) &&
               op.getSource().getType() != op.getType();
      });
  target.addDynamicallyLegalOp<func::FuncOp>([&typeConverter](func::FuncOp op) {
    return typeConverter.isSignatureLegal(op.getFunctionType()) &&
           typeConverter.isLegal(&op.getBody());
  });
  target.markUnknownOpDynamicallyLegal([&typeConverter](Operation *op) {
    if (!typeConverter.isLegal(op))
      return false;
    for (Region &region : op->getRegions())
      if (!typeConverter.isLegal(&region))
        return false;
    for (NamedAttribute attr : op->getAttrs())
      if (convertAttribute(attr.getValue(), typeConverter) != attr.getValue())
        return false;
    return true;
  });
}
