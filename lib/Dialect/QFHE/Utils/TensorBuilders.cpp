//===- TensorBuilders.cpp - small tensor IR builders ----------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/Utils/TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

Value mlir::qfhe::padSpatial(OpBuilder &b, Location loc, Value input,
                             ArrayRef<int64_t> padding, int64_t value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0),
                                b.getIndexAttr(padding[0]),
                                b.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high{b.getIndexAttr(0), b.getIndexAttr(0),
                                 b.getIndexAttr(padding[2]),
                                 b.getIndexAttr(padding[3])};
  Value padValue = arith::ConstantOp::create(b, loc, element,
                                             b.getIntegerAttr(element, value));
  return tensor::PadOp::create(b, loc, RankedTensorType(), input, low, high,
                               padValue);
}
