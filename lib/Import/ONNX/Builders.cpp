//===- Builders.cpp - IR building blocks of the ONNX importer -------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

Value mlir::qfhe::onnx_import::createF32(OpBuilder &builder, Location loc,
                                         double value) {
  return arith::ConstantOp::create(builder, loc,
                                   builder.getF32FloatAttr(value));
}

Value mlir::qfhe::onnx_import::createEmpty(OpBuilder &builder, Location loc,
                                           RankedTensorType type,
                                           Value batchSource) {
  SmallVector<Value> dynamicSizes;
  if (type.getRank() > 0 && type.isDynamicDim(0))
    dynamicSizes.push_back(tensor::DimOp::create(builder, loc, batchSource, 0));
  return tensor::EmptyOp::create(builder, loc, type, dynamicSizes);
}

Value mlir::qfhe::onnx_import::createFilled(OpBuilder &builder, Location loc,
                                            RankedTensorType type, double value,
                                            Value batchSource) {
  Value init = createEmpty(builder, loc, type, batchSource);
  Value scalar = createF32(builder, loc, value);
  return linalg::FillOp::create(builder, loc, ValueRange{scalar},
                                ValueRange{init})
      .getResult(0);
}

AffineMap mlir::qfhe::onnx_import::getBroadcastMap(MLIRContext *context,
                                                   ArrayRef<int64_t> operand,
                                                   ArrayRef<int64_t> result) {
  unsigned offset = result.size() - operand.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(operand)) {
    if (dim == 1 && result[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, context));
    else
      exprs.push_back(getAffineDimExpr(offset + i, context));
  }
  return AffineMap::get(result.size(), 0, exprs, context);
}

Value mlir::qfhe::onnx_import::buildGeneric(OpBuilder &builder, Location loc,
                                            ValueRange operands,
                                            ArrayRef<AffineMap> maps,
                                            RankedTensorType resultType,
                                            BodyFn body) {
  // The batch size comes from an operand that has it at dimension 0.
  Value batchSource;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() == resultType.getRank() && type.getRank() > 0 &&
        type.isDynamicDim(0))
      batchSource = operand;
  }
  Value init = createEmpty(builder, loc, resultType, batchSource);
  SmallVector<AffineMap> indexingMaps(maps);
  indexingMaps.push_back(builder.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{resultType}, operands, ValueRange{init},
      indexingMaps, iterators,
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        Value result = body(b, bodyLoc, args.drop_back());
        linalg::YieldOp::create(b, bodyLoc, result);
      });
  return generic.getResult(0);
}

Value mlir::qfhe::onnx_import::buildBroadcastGeneric(
    OpBuilder &builder, Location loc, ValueRange operands,
    RankedTensorType resultType, BodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(
        getBroadcastMap(builder.getContext(),
                        cast<RankedTensorType>(operand.getType()).getShape(),
                        resultType.getShape()));
  return buildGeneric(builder, loc, operands, maps, resultType, body);
}

Value mlir::qfhe::onnx_import::buildUnary(OpBuilder &builder, Location loc,
                                          Value input, BodyFn body) {
  auto type = cast<RankedTensorType>(input.getType());
  return buildBroadcastGeneric(builder, loc, input,
                               type.clone(builder.getF32Type()), body);
}

Value mlir::qfhe::onnx_import::buildReshape(OpBuilder &builder, Location loc,
                                            Value input,
                                            ArrayRef<int64_t> shape) {
  auto sourceType = cast<RankedTensorType>(input.getType());
  auto resultType = sourceType.clone(shape);
  if (sourceType == resultType)
    return input;
  ArrayRef<int64_t> source = sourceType.getShape();
  if (shape.size() < source.size()) {
    if (auto reassociation = getReassociationIndicesForCollapse(source, shape))
      return tensor::CollapseShapeOp::create(builder, loc, resultType, input,
                                             *reassociation);
  } else if (shape.size() > source.size()) {
    if (auto reassociation = getReassociationIndicesForCollapse(shape, source))
      return tensor::ExpandShapeOp::create(builder, loc, resultType, input,
                                           *reassociation);
  }
  if (sourceType.hasStaticShape()) {
    auto shapeType = RankedTensorType::get({static_cast<int64_t>(shape.size())},
                                           builder.getI64Type());
    Value shapeValue = arith::ConstantOp::create(
        builder, loc, DenseIntElementsAttr::get(shapeType, shape));
    return tensor::ReshapeOp::create(builder, loc, resultType, input,
                                     shapeValue);
  }
  // Batch first: collapse the other dimensions into one, then expand them.
  SmallVector<int64_t> flat{ShapedType::kDynamic,
                            ShapedType::getNumElements(source.drop_front())};
  Value collapsed = tensor::CollapseShapeOp::create(
      builder, loc, sourceType.clone(flat), input,
      *getReassociationIndicesForCollapse(source, flat));
  return tensor::ExpandShapeOp::create(
      builder, loc, resultType, collapsed,
      *getReassociationIndicesForCollapse(shape, flat));
}

Value mlir::qfhe::onnx_import::buildPad(OpBuilder &builder, Location loc,
                                        Value input, ArrayRef<int64_t> low,
                                        ArrayRef<int64_t> high,
                                        double padValue) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (auto [dim, l, h] : llvm::zip(type.getShape(), low, high)) {
    shape.push_back(ShapedType::isDynamic(dim) ? dim : dim + l + h);
    lowSizes.push_back(builder.getIndexAttr(l));
    highSizes.push_back(builder.getIndexAttr(h));
  }
  Value value = createF32(builder, loc, padValue);
  return tensor::PadOp::create(builder, loc, type.clone(shape), input, lowSizes,
                               highSizes, value);
}

Value mlir::qfhe::onnx_import::buildTranspose(OpBuilder &builder, Location loc,
                                              Value input,
                                              ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(input.getType());
  auto resultType = type.clone(applyPermutation(type.getShape(), permutation));
  Value init = createEmpty(builder, loc, resultType, input);
  return linalg::TransposeOp::create(builder, loc, input, init, permutation)
      .getResult()[0];
}

DenseElementsAttr
mlir::qfhe::onnx_import::transposeData(DenseElementsAttr data,
                                       ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(data.getType());
  auto resultType = type.clone(applyPermutation(type.getShape(), permutation));
  if (data.isSplat())
    return data.resizeSplat(resultType);
  size_t width = type.getElementTypeBitWidth() / 8;
  ArrayRef<char> raw = data.getRawData();
  SmallVector<char> result(raw.size());
  SmallVector<int64_t> sourceStrides = computeStrides(type.getShape());
  SmallVector<int64_t> resultStrides = computeStrides(resultType.getShape());
  int64_t count = type.getNumElements();
  for (int64_t index = 0; index < count; ++index) {
    SmallVector<int64_t> position = delinearize(index, resultStrides);
    int64_t source = 0;
    for (auto [dim, coordinate] : llvm::zip(permutation, position))
      source += coordinate * sourceStrides[dim];
    std::copy_n(raw.begin() + source * width, width,
                result.begin() + index * width);
  }
  return DenseElementsAttr::getFromRawBuffer(resultType, result);
}

DenseElementsAttr mlir::qfhe::onnx_import::scaleData(DenseElementsAttr data,
                                                     float factor) {
  return cast<DenseFPElementsAttr>(data).mapValues(
      data.getElementType(), [&](const APFloat &value) {
        return APFloat(value.convertToFloat() * factor).bitcastToAPInt();
      });
}

SmallVector<float>
mlir::qfhe::onnx_import::getFloatValues(DenseElementsAttr data) {
  SmallVector<float> values;
  for (const APFloat &value : data.getValues<APFloat>())
    values.push_back(value.convertToFloat());
  return values;
}

SmallVector<int64_t>
mlir::qfhe::onnx_import::getIntValues(DenseElementsAttr data) {
  SmallVector<int64_t> values;
  if (!isa<IntegerType>(data.getElementType()))
    return values;
  bool isUnsigned = data.getElementType().isUnsignedInteger();
  for (const APInt &value : data.getValues<APInt>())
    values.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                                : value.getSExtValue());
  return values;
}

Value mlir::qfhe::onnx_import::divideBy(OpBuilder &builder, Location loc,
                                        Value input, double divisor) {
  return buildUnary(
      builder, loc, input, [&](OpBuilder &b, Location l, ValueRange args) {
        return arith::DivFOp::create(b, l, args[0], createF32(b, l, divisor));
      });
}

Value mlir::qfhe::onnx_import::buildSumOver(OpBuilder &builder, Location loc,
                                            Value input,
                                            ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *context = builder.getContext();
  SmallVector<int64_t> keptShape;
  SmallVector<AffineExpr> kept;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t dim = 0; dim < rank; ++dim) {
    iterators.push_back(reduced[dim] ? utils::IteratorType::reduction
                                     : utils::IteratorType::parallel);
    if (reduced[dim])
      continue;
    keptShape.push_back(type.getDimSize(dim));
    kept.push_back(getAffineDimExpr(dim, context));
  }
  auto sumType = RankedTensorType::get(keptShape, builder.getF32Type());
  Value init = createFilled(builder, loc, sumType, 0.0, input);
  SmallVector<AffineMap> maps{builder.getMultiDimIdentityMap(rank),
                              AffineMap::get(rank, 0, kept, context)};
  return linalg::GenericOp::create(
             builder, loc, TypeRange{sumType}, ValueRange{input},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   b, l,
                   arith::AddFOp::create(b, l, args[0], args[1]).getResult());
             })
      .getResult(0);
}
