//===- RawIntegers.cpp - integer constants read and built in bulk ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Dialect/QFHE/IR/RawIntegers.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>
#include <cassert>
#include <cstdint>

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

template <typename Word>
std::pair<int64_t, int64_t> RawIntegers::getMinMaxOf(int64_t begin,
                                                     int64_t end) const {
  int64_t least = INT64_MAX, greatest = INT64_MIN;
  const char *data = raw.data();
  for (int64_t index = begin; index < end; ++index) {
    int64_t value = extend(load<Word>(data + index * sizeof(Word)));
    least = std::min(least, value);
    greatest = std::max(greatest, value);
  }
  return {least, greatest};
}

std::pair<int64_t, int64_t> RawIntegers::getMinMax(int64_t begin,
                                                   int64_t end) const {
  if (splat || !decoded.empty() ||
      (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8)) {
    int64_t least = INT64_MAX, greatest = INT64_MIN;
    for (int64_t index = begin; index < end; ++index) {
      int64_t value = (*this)[index];
      least = std::min(least, value);
      greatest = std::max(greatest, value);
    }
    return {least, greatest};
  }
  switch (bytes) {
  case 1:
    return getMinMaxOf<uint8_t>(begin, end);
  case 2:
    return getMinMaxOf<uint16_t>(begin, end);
  case 4:
    return getMinMaxOf<uint32_t>(begin, end);
  default:
    return getMinMaxOf<uint64_t>(begin, end);
  }
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
