//===- LinearOps.cpp - Gemm and MatMul ------------------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Matrix products as torch-mlir emits them: `linalg.matmul` (or
// `linalg.batch_matmul`) into a zero-filled `tensor.empty`, then a bias added
// by a broadcasting `linalg.generic`. Transposes and the alpha/beta factors of
// Gemm are applied to constant data at import time.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "NodeContext.h"
#include "Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qfhe::onnx_import;

namespace {

/// A Gemm operand after its transpose: constant data when it is known, else
/// an SSA value.
struct Operand {
  DenseElementsAttr data;
  Value value;

  RankedTensorType getType() const {
    return cast<RankedTensorType>(data ? data.getType() : value.getType());
  }
  Value materialize(OpBuilder &builder, Location loc) {
    if (!value)
      value = arith::ConstantOp::create(builder, loc, data);
    return value;
  }
};

/// Reads Gemm input `index`, transposed when `transpose` is set: on the data
/// of a constant, with `linalg.transpose` otherwise.
FailureOr<Operand> getGemmOperand(NodeContext &ctx, unsigned index,
                                  bool transpose) {
  if (failed(ctx.requireRank(index, 2)))
    return failure();
  if (DenseElementsAttr data = ctx.getConstantInput(index))
    return Operand{transpose ? transposeData(data, {1, 0}) : data, {}};
  Value value = ctx.getInput(index);
  if (!transpose)
    return Operand{{}, value};
  if (ctx.getInputType(index).isDynamicDim(0))
    return ctx.fail("Gemm cannot transpose input '" + ctx.getInputName(index) +
                    "': it would move the dynamic batch away from dimension 0");
  return Operand{{},
                 buildTranspose(ctx.getBuilder(), ctx.getLoc(), value, {1, 0})};
}

/// `lhs x rhs` with `matmulKind` (linalg.matmul or linalg.batch_matmul) into
/// a zero-filled tensor of `resultType`.
template <typename MatmulOp>
Value buildMatmul(OpBuilder &builder, Location loc, Value lhs, Value rhs,
                  RankedTensorType resultType) {
  Value batchSource =
      cast<RankedTensorType>(lhs.getType()).isDynamicDim(0) ? lhs : rhs;
  Value init = createFilled(builder, loc, resultType, 0.0, batchSource);
  return MatmulOp::create(builder, loc, TypeRange{resultType},
                          ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}

/// Y = alpha * A' * B' + beta * C, A' and B' optionally transposed.
LogicalResult emitGemm(NodeContext &ctx) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  FailureOr<Operand> a = getGemmOperand(ctx, 0, ctx.getInt("transA", 0));
  FailureOr<Operand> b = getGemmOperand(ctx, 1, ctx.getInt("transB", 0));
  if (failed(a) || failed(b))
    return failure();
  ArrayRef<int64_t> aShape = a->getType().getShape();
  ArrayRef<int64_t> bShape = b->getType().getShape();
  if (ShapedType::isDynamic(bShape[0]) || aShape[1] != bShape[0])
    return ctx.fail("Gemm operands " + formatShape(aShape) + " and " +
                    formatShape(bShape) + " do not multiply");

  // alpha scales a constant operand, or the product when neither is one.
  float alpha = ctx.getFloat("alpha", 1.0f);
  bool scaleProduct = false;
  if (alpha != 1.0f) {
    if (b->data)
      b->data = scaleData(b->data, alpha);
    else if (a->data)
      a->data = scaleData(a->data, alpha);
    else
      scaleProduct = true;
  }
  auto resultType =
      RankedTensorType::get({aShape[0], bShape[1]}, builder.getF32Type());
  Value result =
      buildMatmul<linalg::MatmulOp>(builder, loc, a->materialize(builder, loc),
                                    b->materialize(builder, loc), resultType);
  if (scaleProduct) {
    result = buildUnary(
        builder, loc, result, [&](OpBuilder &b, Location l, ValueRange args) {
          return arith::MulFOp::create(b, l, args[0], createF32(b, l, alpha));
        });
  }

  if (ctx.hasInput(2)) {
    RankedTensorType cType = ctx.getInputType(2);
    std::string reason;
    FailureOr<SmallVector<int64_t>> shape =
        broadcastShapes({cType.getShape(), resultType.getShape()}, reason);
    if (failed(shape) || ArrayRef<int64_t>(*shape) != resultType.getShape())
      return ctx.fail("Gemm bias " + formatShape(cType.getShape()) +
                      " does not broadcast to the result " +
                      formatShape(resultType.getShape()));
    float beta = ctx.getFloat("beta", 1.0f);
    Value c;
    bool scaleBias = beta != 1.0f;
    if (DenseElementsAttr data = ctx.getConstantInput(2)) {
      c = arith::ConstantOp::create(builder, loc,
                                    scaleBias ? scaleData(data, beta) : data);
      scaleBias = false;
    } else {
      c = ctx.getInput(2);
    }
    result = buildBroadcastGeneric(
        builder, loc, {result, c}, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value bias = args[1];
          if (scaleBias)
            bias = arith::MulFOp::create(b, l, bias, createF32(b, l, beta));
          return arith::AddFOp::create(b, l, args[0], bias);
        });
  }
  ctx.setResult(0, result);
  return success();
}

/// The rows of every batch of `data` ([B, R, K]) times the matrix `weights`
/// ([K, N]), as one matmul on the [B * R, K] rows of all batches: [B, R, N].
Value multiplyRowsOfBatches(OpBuilder &builder, Location loc, Value data,
                            Value weights) {
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t batch = dataType.getDimSize(0);
  int64_t rowsPerBatch = dataType.getDimSize(1), k = dataType.getDimSize(2);
  int64_t n = cast<RankedTensorType>(weights.getType()).getDimSize(1);
  int64_t rows = ShapedType::isDynamic(batch) ? batch : batch * rowsPerBatch;
  Type f32 = builder.getF32Type();
  // The groups are explicit: inferred from the shapes alone they are
  // ambiguous when R = K or R = N (a [?, 4, 4] input), and MLIR's
  // expand_shape builder crashes on a wrong one.
  SmallVector<ReassociationIndices> rowsOfBatches{{0, 1}, {2}};
  Value flat = tensor::CollapseShapeOp::create(
      builder, loc, RankedTensorType::get({rows, k}, f32), data, rowsOfBatches);
  Value product = buildMatmul<linalg::MatmulOp>(
      builder, loc, flat, weights, RankedTensorType::get({rows, n}, f32));
  return tensor::ExpandShapeOp::create(
      builder, loc, RankedTensorType::get({batch, rowsPerBatch, n}, f32),
      product, rowsOfBatches);
}

/// numpy matmul of operands of rank 1 to 3. 1-D operands are expanded to
/// matrices and the added dimension is collapsed from the result.
LogicalResult emitMatMul(NodeContext &ctx) {
  OpBuilder &builder = ctx.getBuilder();
  Location loc = ctx.getLoc();
  Value lhs = ctx.getInput(0), rhs = ctx.getInput(1);
  auto shapeOf = [](Value v) {
    return SmallVector<int64_t>(cast<RankedTensorType>(v.getType()).getShape());
  };
  SmallVector<int64_t> lhsShape = shapeOf(lhs), rhsShape = shapeOf(rhs);
  for (unsigned i = 0; i < 2; ++i) {
    int64_t rank = ctx.getInputType(i).getRank();
    if (rank < 1 || rank > 3)
      return ctx.fail("MatMul input '" + ctx.getInputName(i) + "' has rank " +
                      Twine(rank) + "; the importer supports ranks 1 to 3");
  }

  // The result shape numpy gives, computed before promoting vectors.
  bool lhsVector = lhsShape.size() == 1, rhsVector = rhsShape.size() == 1;
  if (lhsVector)
    lhs = buildReshape(builder, loc, lhs, {1, lhsShape[0]});
  if (rhsVector)
    rhs = buildReshape(builder, loc, rhs, {rhsShape[0], 1});
  lhsShape = shapeOf(lhs);
  rhsShape = shapeOf(rhs);
  int64_t k = lhsShape.back(), rhsK = rhsShape[rhsShape.size() - 2];
  if (ShapedType::isDynamic(rhsK) || k != rhsK)
    return ctx.fail("MatMul operands " +
                    formatShape(ctx.getInputType(0).getShape()) + " and " +
                    formatShape(ctx.getInputType(1).getShape()) +
                    " do not multiply");

  // A batch of 1 is dropped, so that it broadcasts.
  if (lhsShape.size() == 3 && lhsShape[0] == 1 && rhsShape.size() == 3 &&
      rhsShape[0] != 1) {
    lhs = buildReshape(builder, loc, lhs, ArrayRef(lhsShape).drop_front());
    lhsShape = shapeOf(lhs);
  }
  if (rhsShape.size() == 3 && rhsShape[0] == 1 && lhsShape.size() == 3 &&
      lhsShape[0] != 1) {
    rhs = buildReshape(builder, loc, rhs, ArrayRef(rhsShape).drop_front());
    rhsShape = shapeOf(rhs);
  }

  Type f32 = builder.getF32Type();
  int64_t m = lhsShape[lhsShape.size() - 2], n = rhsShape.back();
  Value result;
  SmallVector<int64_t> resultShape;
  if (lhsShape.size() == 2 && rhsShape.size() == 2) {
    resultShape = {m, n};
    result = buildMatmul<linalg::MatmulOp>(
        builder, loc, lhs, rhs, RankedTensorType::get(resultShape, f32));
  } else if (rhsShape.size() == 2) {
    resultShape = {lhsShape[0], m, n};
    result = multiplyRowsOfBatches(builder, loc, lhs, rhs);
  } else if (DenseElementsAttr weights = ctx.getConstantInput(0);
             weights && lhsShape.size() == 2) {
    // Constant [M, K] x data [B, K, N]: W @ x[b] = (x[b]^T @ W^T)^T, so that
    // the weights are the right operand of one matmul on the rows of all
    // batches (the form the quantizer takes), between transposes of the
    // data.
    auto matrixType = RankedTensorType::get({m, k}, weights.getElementType());
    Value transposedWeights = arith::ConstantOp::create(
        builder, loc, transposeData(weights.reshape(matrixType), {1, 0}));
    Value columns = buildTranspose(builder, loc, rhs, {0, 2, 1});
    resultShape = {rhsShape[0], m, n};
    result = buildTranspose(
        builder, loc,
        multiplyRowsOfBatches(builder, loc, columns, transposedWeights),
        {0, 2, 1});
  } else {
    int64_t batch = rhsShape[0];
    if (lhsShape.size() == 2) {
      // [M, K] x [B, K, N]: the left operand is broadcast over the batch.
      auto type = RankedTensorType::get({batch, m, k}, f32);
      Value init = createEmpty(builder, loc, type, rhs);
      lhs = linalg::BroadcastOp::create(builder, loc, lhs, init,
                                        ArrayRef<int64_t>{0})
                .getResult()[0];
    } else if (lhsShape[0] != batch) {
      return ctx.fail("MatMul batch dimensions " +
                      formatShape(ctx.getInputType(0).getShape()) + " and " +
                      formatShape(ctx.getInputType(1).getShape()) +
                      " do not broadcast");
    }
    resultShape = {batch, m, n};
    result = buildMatmul<linalg::BatchMatmulOp>(
        builder, loc, lhs, rhs, RankedTensorType::get(resultShape, f32));
  }

  // Remove the dimensions the vectors were given.
  SmallVector<int64_t> finalShape(resultShape);
  if (rhsVector)
    finalShape.pop_back();
  if (lhsVector)
    finalShape.erase(finalShape.end() - (rhsVector ? 1 : 2));
  ctx.setResult(0, buildReshape(builder, loc, result, finalShape));
  return success();
}

} // namespace

void mlir::qfhe::onnx_import::addLinearOps(OpTable &table) {
  table["Gemm"] = {emitGemm,
                   2,
                   3,
                   1,
                   {{"alpha", AttrKind::Float},
                    {"beta", AttrKind::Float},
                    {"transA", AttrKind::Int},
                    {"transB", AttrKind::Int}},
                   {0, 1, 2}};
  table["MatMul"] = {emitMatMul, 2, 2, 1, {}, {0, 1}};
}
