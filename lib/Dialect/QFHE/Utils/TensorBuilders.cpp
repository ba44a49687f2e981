//===- TensorBuilders.cpp - small tensor IR builders ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/Utils/TensorBuilders.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value mlir::qfhe::sliceAlong(OpBuilder &b, Location loc, Value tensor,
                             int64_t dim, int64_t begin, int64_t end) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, tensor);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[dim] = b.getIndexAttr(begin);
  sizes[dim] = b.getIndexAttr(end - begin);
  return tensor::ExtractSliceOp::create(b, loc, tensor, offsets, sizes,
                                        strides);
}

Value mlir::qfhe::addTensors(OpBuilder &b, Location loc, Value lhs, Value rhs,
                             Type elementType) {
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, lhs), elementType);
  return linalg::AddOp::create(b, loc, ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}
