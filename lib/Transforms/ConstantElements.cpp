//===- ConstantElements.cpp - rewriting constant tensors ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "ConstantElements.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::qfhe;

DenseElementsAttr mlir::qfhe::transposeElements(DenseElementsAttr attr,
                                                ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(attr.getType());
  SmallVector<int64_t> shape;
  for (int64_t dim : perm)
    shape.push_back(type.getDimSize(dim));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (attr.isSplat())
    return attr.reshape(resultType);
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t dim = rank - 2; dim >= 0; --dim)
    strides[dim] = strides[dim + 1] * type.getDimSize(dim + 1);
  // The source index of each result element, in result order.
  int64_t count = type.getNumElements();
  SmallVector<int64_t> sources(count);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t source = 0;
    for (int64_t dim = 0; dim < rank; ++dim)
      source += index[dim] * strides[perm[dim]];
    sources[linear] = source;
    for (int64_t dim = rank - 1; dim >= 0; --dim) {
      if (++index[dim] < shape[dim])
        break;
      index[dim] = 0;
    }
  }
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 == 0 && !isa<ComplexType>(type.getElementType())) {
    // Whole bytes per element: permute the raw buffer.
    size_t bytes = bits / 8;
    ArrayRef<char> raw = attr.getRawData();
    std::vector<char> result(raw.size());
    for (int64_t linear = 0; linear < count; ++linear)
      std::memcpy(&result[linear * bytes], &raw[sources[linear] * bytes],
                  bytes);
    return DenseElementsAttr::getFromRawBuffer(resultType, result);
  }
  SmallVector<Attribute> values(attr.getValues<Attribute>());
  SmallVector<Attribute> result(count);
  for (int64_t linear = 0; linear < count; ++linear)
    result[linear] = values[sources[linear]];
  return DenseElementsAttr::get(resultType, result);
}

FailureOr<DenseElementsAttr>
mlir::qfhe::inlineResource(DenseResourceElementsAttr attr) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  auto type = cast<ShapedType>(attr.getType());
  if (!blob || !type.hasStaticShape() || type.getElementTypeBitWidth() % 8 != 0)
    return failure();
  ArrayRef<char> data = blob->getData();
  // A blob holds every element (a splat would be one element).
  size_t expected = static_cast<size_t>(type.getNumElements()) *
                    type.getElementTypeBitWidth() / 8;
  if (data.size() != expected)
    return failure();
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

Value mlir::qfhe::createTranspose(PatternRewriter &rewriter, Location loc,
                                  Value value, ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim : perm)
    sizes.push_back(tensor::getMixedSize(rewriter, loc, value, dim));
  Value init =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, perm)
      .getResult()[0];
}
