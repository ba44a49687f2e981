//===- LinearOpsToLinalg.cpp - lowering of the quantized linear ops -------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// matmul, conv2d, sum_pool, reduce_sum and max_pool become upstream linalg
// ops on i64: operands are first centered (q - zero point, so that padding
// with 0 is padding with the real 0), accumulated exactly in i64, then
// reduced modulo 2^w into the result type, as the ops define.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseBuilder.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "qfhe/Dialect/QFHE/IR/QFHEOps.h"
#include "qfhe/Dialect/QFHE/Utils/TensorBuilders.h"
#include "qfhe/Support/QuantMath.h"

#include <limits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// `q - zero point` as an i64 tensor (zero points per channel if per axis):
/// `q` is the converted value of `quantized`, whose type has the parameters.
Value center(OpBuilder &b, Location loc, Value q, Value quantized) {
  QuantParams params = *QuantParams::get(quantized.getType());
  bool isUnsigned = !params.isSigned();
  return buildElementwise(
      b, loc, q, b.getI64Type(), {getZeroPointConstant(params)},
      [&](OpBuilder &nested, Location nestedLoc, Value x, ValueRange channel) {
        return emitCentered(nested, nestedLoc, x, channel[0], isUnsigned);
      });
}

/// Truncates an i64 tensor to the converted result element type.
Value truncate(OpBuilder &b, Location loc, Value wide, Type elementType) {
  return buildElementwise(
      b, loc, wide, elementType, {},
      [&](OpBuilder &nested, Location nestedLoc, Value x, ValueRange) {
        return castInteger(nested, nestedLoc, x, elementType, false);
      });
}

/// An i64 tensor of `type`'s shape filled with `value`; dynamic dimensions
/// are taken from `dynamicSource`'s dimension of the same index.
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   int64_t value, Value dynamicSource) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    if (type.isDynamicDim(dim))
      sizes.push_back(tensor::getMixedSize(b, loc, dynamicSource, dim));
    else
      sizes.push_back(b.getIndexAttr(type.getDimSize(dim)));
  }
  Value empty = tensor::EmptyOp::create(b, loc, sizes, b.getI64Type());
  Value fill = createIntConstant(b, loc, b.getI64Type(), value);
  return linalg::FillOp::create(b, loc, fill, empty).getResult(0);
}

/// Adds a 1-D bias along dimension `axis` of an i64 tensor.
Value addBias(OpBuilder &b, Location loc, Value acc, Value bias,
              bool isUnsigned, int64_t axis) {
  auto accType = cast<RankedTensorType>(acc.getType());
  unsigned rank = accType.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channel = AffineMap::get(rank, 0, b.getAffineDimExpr(axis));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, acc), b.getI64Type());
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{acc, bias},
             ValueRange{init}, ArrayRef<AffineMap>{identity, channel, identity},
             iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value wide = castInteger(nested, nestedLoc, args[1],
                                        nested.getI64Type(), isUnsigned);
               Value sum =
                   arith::AddIOp::create(nested, nestedLoc, args[0], wide);
               linalg::YieldOp::create(nested, nestedLoc, sum);
             })
      .getResult(0);
}

/// A constant `tensor<2xi64>` attribute for linalg window ops.
DenseIntElementsAttr pair(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

/// Whether the bias of a linear op is unsigned.
bool isUnsignedTensor(Value value) {
  return !QuantParams::get(value.getType())->isSigned();
}

/// `x` rounded to the nearest multiple of 2^d, ties up, on an i64 tensor.
Value roundToMultiple(OpBuilder &b, Location loc, Value x, unsigned d) {
  return buildElementwise(
      b, loc, x, b.getI64Type(), {},
      [&](OpBuilder &nested, Location nestedLoc, Value v, ValueRange) {
        Value half = createIntConstant(nested, nestedLoc, nested.getI64Type(),
                                       1 << (d - 1));
        Value shift =
            createIntConstant(nested, nestedLoc, nested.getI64Type(), d);
        Value sum = arith::AddIOp::create(nested, nestedLoc, v, half);
        Value down = arith::ShRSIOp::create(nested, nestedLoc, sum, shift);
        return arith::ShLIOp::create(nested, nestedLoc, down, shift)
            .getResult();
      });
}

/// The accumulation of a linear op with `chunks` parts (see qfhe.matmul):
/// `accumulatePart(begin, end, first)` returns the exact i64 sum of the
/// terms in [begin, end) (the bias included when `first`); each part is
/// rounded to a multiple of 2^d and the parts are added.
Value sumChunks(OpBuilder &b, Location loc, int64_t terms, int64_t chunks,
                function_ref<Value(int64_t, int64_t, bool)> accumulatePart) {
  unsigned d = getChunkDropBits(chunks);
  Value total;
  for (auto [index, part] : llvm::enumerate(getChunkParts(terms, chunks))) {
    Value rounded = roundToMultiple(
        b, loc, accumulatePart(part.first, part.second, index == 0), d);
    if (!total) {
      total = rounded;
      continue;
    }
    total = addTensors(b, loc, total, rounded, b.getI64Type());
  }
  return total;
}

struct MatmulOpLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto lhsType = op.getLhs().getType();
    int64_t rank = lhsType.getRank();
    Value lhs = center(rewriter, loc, adaptor.getLhs(), op.getLhs());
    Value rhs = center(rewriter, loc, adaptor.getRhs(), op.getRhs());
    // Leading dimensions fold into the row dimension of a 2-D product.
    SmallVector<ReassociationIndices> groups(2);
    for (int64_t dim = 0; dim < rank - 1; ++dim)
      groups[0].push_back(dim);
    groups[1].push_back(rank - 1);
    Value rows = lhs;
    if (rank > 2)
      rows = tensor::CollapseShapeOp::create(rewriter, loc, lhs, groups);
    auto rowsType = cast<RankedTensorType>(rows.getType());
    auto productType = RankedTensorType::get(
        {rowsType.getDimSize(0), op.getRhs().getType().getDimSize(1)},
        rewriter.getI64Type());
    Value bias = adaptor.getBias();
    bool unsignedBias = bias && isUnsignedTensor(op.getBias());
    // The exact product of rows and columns [begin, end) of the terms.
    auto multiply = [&](int64_t begin, int64_t end, bool withBias) {
      Value left = rows, right = rhs;
      if (op.getChunks()) {
        left = sliceAlong(rewriter, loc, rows, 1, begin, end);
        right = sliceAlong(rewriter, loc, rhs, 0, begin, end);
      }
      Value init = filledTensor(rewriter, loc, productType, 0, rows);
      Value product =
          linalg::MatmulOp::create(rewriter, loc, ValueRange{left, right},
                                   ValueRange{init})
              .getResult(0);
      if (withBias && bias)
        product = addBias(rewriter, loc, product, bias, unsignedBias, 1);
      return product;
    };
    int64_t terms = op.getRhs().getType().getDimSize(0);
    Value product = op.getChunks() ? sumChunks(rewriter, loc, terms,
                                               *op.getChunks(), multiply)
                                   : multiply(0, terms, true);
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    if (rank > 2) {
      SmallVector<OpFoldResult> shape =
          tensor::getMixedSizes(rewriter, loc, lhs);
      shape.back() = rewriter.getIndexAttr(resultType.getShape().back());
      product = tensor::ExpandShapeOp::create(
          rewriter, loc, resultType.clone(rewriter.getI64Type()), product,
          groups, shape);
    }
    rewriter.replaceOp(
        op, truncate(rewriter, loc, product, resultType.getElementType()));
    return success();
  }
};

struct Conv2DOpLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto filterType = op.getFilter().getType();
    bool depthwise = op.getGroups() != 1;
    if (depthwise &&
        filterType.getDimSize(0) != static_cast<int64_t>(op.getGroups()))
      return rewriter.notifyMatchFailure(
          op, "depthwise convolution with a channel multiplier");
    Value input = center(rewriter, loc, adaptor.getInput(), op.getInput());
    input = padSpatial(rewriter, loc, input, op.getPadding(), 0);
    Value filter = center(rewriter, loc, adaptor.getFilter(), op.getFilter());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    Value init = filledTensor(
        rewriter, loc, resultType.clone(rewriter.getI64Type()), 0, input);
    DenseIntElementsAttr strides = pair(rewriter, op.getStrides());
    DenseIntElementsAttr dilations = pair(rewriter, op.getDilations());
    Value bias = adaptor.getBias();
    bool unsignedBias = bias && isUnsignedTensor(op.getBias());
    Value acc;
    if (depthwise) {
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, filter,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
      acc = linalg::DepthwiseConv2DNchwChwOp::create(
                rewriter, loc, TypeRange{init.getType()},
                ValueRange{input, flat}, ValueRange{init}, strides, dilations)
                .getResult(0);
      if (bias)
        acc = addBias(rewriter, loc, acc, bias, unsignedBias, 1);
    } else {
      // The exact sum over input channels [begin, end).
      auto convolve = [&](int64_t begin, int64_t end, bool withBias) {
        Value in = input, weights = filter;
        if (op.getChunks()) {
          in = sliceAlong(rewriter, loc, input, 1, begin, end);
          weights = sliceAlong(rewriter, loc, filter, 1, begin, end);
        }
        Value part =
            linalg::Conv2DNchwFchwOp::create(
                rewriter, loc, TypeRange{init.getType()},
                ValueRange{in, weights}, ValueRange{init}, strides, dilations)
                .getResult(0);
        if (withBias && bias)
          part = addBias(rewriter, loc, part, bias, unsignedBias, 1);
        return part;
      };
      int64_t channels = filterType.getDimSize(1);
      acc = op.getChunks()
                ? sumChunks(rewriter, loc, channels, *op.getChunks(), convolve)
                : convolve(0, channels, true);
    }
    rewriter.replaceOp(
        op, truncate(rewriter, loc, acc, resultType.getElementType()));
    return success();
  }
};

/// A linalg pooling op over the windows of `kernel` of an i64 NCHW tensor,
/// starting from `start`, truncated to `resultType`'s element type.
template <typename PoolOp>
Value poolI64(OpBuilder &b, Location loc, Value input,
              RankedTensorType resultType, ArrayRef<int64_t> kernel,
              ArrayRef<int64_t> strides, int64_t start) {
  Value init =
      filledTensor(b, loc, resultType.clone(b.getI64Type()), start, input);
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI64Type());
  Value pooled = PoolOp::create(b, loc, TypeRange{init.getType()},
                                ValueRange{input, window}, ValueRange{init},
                                pair(b, strides), pair(b, {1, 1}))
                     .getResult(0);
  return truncate(b, loc, pooled, resultType.getElementType());
}

struct SumPoolOpLowering : OpConversionPattern<SumPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SumPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = center(rewriter, loc, adaptor.getInput(), op.getInput());
    input = padSpatial(rewriter, loc, input, op.getPadding(), 0);
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    rewriter.replaceOp(op, poolI64<linalg::PoolingNchwSumOp>(
                               rewriter, loc, input, resultType, op.getKernel(),
                               op.getStrides(), 0));
    return success();
  }
};

struct MaxPoolOpLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool isUnsigned = !QuantParams::get(op.getInput().getType())->isSigned();
    Value input = buildElementwise(
        rewriter, loc, adaptor.getInput(), rewriter.getI64Type(), {},
        [&](OpBuilder &b, Location nestedLoc, Value x, ValueRange) {
          return castInteger(b, nestedLoc, x, b.getI64Type(), isUnsigned);
        });
    int64_t lowest = std::numeric_limits<int64_t>::min();
    input = padSpatial(rewriter, loc, input, op.getPadding(), lowest);
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    rewriter.replaceOp(op, poolI64<linalg::PoolingNchwMaxOp>(
                               rewriter, loc, input, resultType, op.getKernel(),
                               op.getStrides(), lowest));
    return success();
  }
};

struct ReduceSumOpLowering : OpConversionPattern<ReduceSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReduceSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = center(rewriter, loc, adaptor.getInput(), op.getInput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    unsigned rank = op.getInput().getType().getRank();
    ArrayRef<int64_t> reduced = op.getDimensions();
    SmallVector<AffineExpr> kept;
    SmallVector<utils::IteratorType> iterators;
    SmallVector<OpFoldResult> sizes;
    for (unsigned dim = 0; dim < rank; ++dim) {
      bool isReduced = llvm::is_contained(reduced, dim);
      iterators.push_back(isReduced ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (isReduced)
        continue;
      kept.push_back(rewriter.getAffineDimExpr(dim));
      sizes.push_back(tensor::getMixedSize(rewriter, loc, input, dim));
    }
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, sizes, rewriter.getI64Type());
    Value zero = createIntConstant(rewriter, loc, rewriter.getI64Type(), 0);
    Value init =
        linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    AffineMap inputMap = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outputMap = AffineMap::get(rank, 0, kept, rewriter.getContext());
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{init.getType()}, ValueRange{input},
                    ValueRange{init}, ArrayRef<AffineMap>{inputMap, outputMap},
                    iterators,
                    [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
                      Value s =
                          arith::AddIOp::create(b, nestedLoc, args[1], args[0]);
                      linalg::YieldOp::create(b, nestedLoc, s);
                    })
                    .getResult(0);
    rewriter.replaceOp(
        op, truncate(rewriter, loc, sum, resultType.getElementType()));
    return success();
  }
};

} // namespace

void mlir::qfhe::populateLinearOpsToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<MatmulOpLowering, Conv2DOpLowering, SumPoolOpLowering,
               MaxPoolOpLowering, ReduceSumOpLowering>(typeConverter,
                                                       patterns.getContext());
}
