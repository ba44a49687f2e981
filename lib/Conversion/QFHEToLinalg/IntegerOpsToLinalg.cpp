//===- IntegerOpsToLinalg.cpp - lut/round lowering ------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Lowers the integer-only ops: a table lookup becomes a gather from a
// constant table, rounding becomes an add and an arithmetic shift.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// Re-types the table's entries as signless integers of `elementType`
/// (entries fit, as the op verifier checked).
static DenseElementsAttr getSignlessTable(DenseIntElementsAttr table,
                                          IntegerType elementType) {
  auto type = RankedTensorType::get(table.getType().getShape(), elementType);
  if (elementType.getWidth() > 1 && elementType.getWidth() <= 64 &&
      table.getElementType().getIntOrFloatBitWidth() <= 64)
    return getRawIntegers(type, readRawIntegers(table));
  bool isUnsigned = cast<IntegerType>(table.getElementType()).isUnsigned();
  SmallVector<APInt> entries;
  entries.reserve(table.getNumElements());
  for (const APInt &entry : table.getValues<APInt>())
    entries.push_back(isUnsigned ? entry.zextOrTrunc(elementType.getWidth())
                                 : entry.sextOrTrunc(elementType.getWidth()));
  return DenseElementsAttr::get(type, entries);
}

/// y = table[x - min], or table[c][x - min] with c the index along `axis`.
struct LutOpLowering : OpConversionPattern<LutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputElement =
        cast<IntegerType>(op.getInput().getType().getElementType());
    auto resultElement = rewriter.getIntegerType(
        op.getResult().getType().getElementType().getIntOrFloatBitWidth());
    DenseElementsAttr table = getSignlessTable(op.getTable(), resultElement);
    Location loc = op.getLoc();
    Value tableValue =
        arith::ConstantOp::create(rewriter, loc, table.getType(), table);
    std::optional<int64_t> axis = op.getAxis();
    int64_t offset = inputElement.isUnsigned()
                         ? 0
                         : int64_t(1) << (inputElement.getWidth() - 1);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), resultElement, {},
        [&](OpBuilder &b, Location bodyLoc, Value x, ValueRange) {
          Value index = inputElement.isUnsigned()
                            ? Value(arith::IndexCastUIOp::create(
                                  b, bodyLoc, b.getIndexType(), x))
                            : Value(arith::IndexCastOp::create(
                                  b, bodyLoc, b.getIndexType(), x));
          if (offset)
            index = arith::AddIOp::create(
                b, bodyLoc, index,
                arith::ConstantIndexOp::create(b, bodyLoc, offset));
          SmallVector<Value> indices;
          if (axis)
            indices.push_back(linalg::IndexOp::create(b, bodyLoc, *axis));
          indices.push_back(index);
          return tensor::ExtractOp::create(b, bodyLoc, tableValue, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = (x + 2^(k-1)) >> k, computed in i64 so that the addition cannot wrap.
struct RoundOpLowering : OpConversionPattern<RoundOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RoundOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputElement =
        cast<IntegerType>(op.getInput().getType().getElementType());
    if (inputElement.getWidth() > 62)
      return rewriter.notifyMatchFailure(op, "input wider than 62 bits");
    bool isUnsigned = inputElement.isUnsigned();
    Type resultElement = rewriter.getIntegerType(
        op.getResult().getType().getElementType().getIntOrFloatBitWidth());
    Type i64 = rewriter.getI64Type();
    int64_t dropBits = op.getDropBits();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), resultElement, {},
        [&](OpBuilder &b, Location loc, Value x, ValueRange) {
          Value wide = castInteger(b, loc, x, i64, isUnsigned);
          wide = arith::AddIOp::create(
              b, loc, wide,
              createIntConstant(b, loc, i64, int64_t(1) << (dropBits - 1)));
          Value shift = createIntConstant(b, loc, i64, dropBits);
          wide = isUnsigned
                     ? Value(arith::ShRUIOp::create(b, loc, wide, shift))
                     : Value(arith::ShRSIOp::create(b, loc, wide, shift));
          return castInteger(b, loc, wide, resultElement, isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::qfhe::populateIntegerOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<LutOpLowering, RoundOpLowering>(typeConverter,
                                               patterns.getContext());
}
