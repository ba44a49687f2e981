//===- RawIntegers.cpp - integer constants read and built in bulk ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cassert>

using namespace mlir;
using namespace mlir::qfhe;

RawIntegers::RawIntegers(DenseIntElementsAttr attr)
    : raw(attr.getRawData()), numElements(attr.getNumElements()),
      splat(attr.isSplat()) {
  auto type = cast<IntegerType>(attr.getElementType());
  width = type.getWidth();
  isUnsigned = type.isUnsigned();
  bytes = (width + 7) / 8;
  if (width == 1)
    for (const APInt &value : attr.getValues<APInt>())
      decoded.push_back(extend(value.getZExtValue()));
  else if (width > 64 || (isUnsigned && width == 64))
    for (const APInt &value : attr.getValues<APInt>())
      decoded.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                                   : value.getSExtValue());
}

SmallVector<int64_t> mlir::qfhe::readRawIntegers(DenseIntElementsAttr attr) {
  RawIntegers reader(attr);
  SmallVector<int64_t> values;
  values.reserve(reader.size());
  for (int64_t i = 0, e = reader.size(); i < e; ++i)
    values.push_back(reader[i]);
  return values;
}

DenseIntElementsAttr mlir::qfhe::getRawIntegers(ShapedType type,
                                                ArrayRef<int64_t> values) {
  unsigned width = type.getElementTypeBitWidth();
  assert(width > 1 && width <= 64 && "integers of 2 to 64 bits");
  assert(static_cast<int64_t>(values.size()) == type.getNumElements() &&
         "one value per element");
  unsigned bytes = (width + 7) / 8;
  uint64_t mask = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  std::vector<char> buffer(values.size() * bytes);
  for (auto [index, value] : llvm::enumerate(values)) {
    uint64_t bits = static_cast<uint64_t>(value) & mask;
    for (unsigned byte = 0; byte < bytes; ++byte)
      buffer[index * bytes + byte] = static_cast<char>(bits >> (8 * byte));
  }
  return cast<DenseIntElementsAttr>(
      DenseElementsAttr::getFromRawBuffer(type, buffer));
}
