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
#include <limits>
#include <type_traits>

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
  // The element is the word's low `width` bits, sign-extended unless
  // unsigned, as extend() reads it: for words of 1 and 2 bytes in 32-bit
  // integers, of 4 bytes in 64-bit ones (unsigned 32-bit elements), with
  // the mask and the sign bit fixed outside the loop, so that the compiler
  // vectorizes it (the verifier reads every entry of every table row).
  using Wide = std::conditional_t<(sizeof(Word) < 4), int32_t, int64_t>;
  const char *data = raw.data();
  if constexpr (sizeof(Word) == 8) {
    int64_t least = INT64_MAX, greatest = INT64_MIN;
    for (int64_t index = begin; index < end; ++index) {
      int64_t value = extend(load<Word>(data + index * sizeof(Word)));
      least = std::min(least, value);
      greatest = std::max(greatest, value);
    }
    return {least, greatest};
  } else {
    constexpr unsigned wordBits = 8 * sizeof(Word);
    Word mask = width >= wordBits ? static_cast<Word>(~Word(0))
                                  : static_cast<Word>((Word(1) << width) - 1);
    Word sign =
        isUnsigned ? Word(0) : static_cast<Word>(Word(1) << (width - 1));
    Wide least = std::numeric_limits<Wide>::max();
    Wide greatest = std::numeric_limits<Wide>::min();
    for (int64_t index = begin; index < end; ++index) {
      Word word;
      std::memcpy(&word, data + index * sizeof(Word), sizeof(Word));
      Word bits = static_cast<Word>(word & mask);
      Wide value = static_cast<Wide>(static_cast<Word>(bits ^ sign)) -
                   static_cast<Wide>(sign);
      least = std::min(least, value);
      greatest = std::max(greatest, value);
    }
    return {static_cast<int64_t>(least), static_cast<int64_t>(greatest)};
  }
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

namespace {

/// encodeRawIntegers for elements of whole words: each value's low bytes.
template <typename Word> void encodeWords(ArrayRef<int64_t> values, char *out) {
  for (int64_t value : values) {
    Word word = static_cast<Word>(static_cast<uint64_t>(value));
    std::memcpy(out, &word, sizeof(Word));
    out += sizeof(Word);
  }
}

} // namespace

void mlir::qfhe::encodeRawIntegers(ArrayRef<int64_t> values, unsigned width,
                                   MutableArrayRef<char> out) {
  assert(width > 1 && width <= 64 && "integers of 2 to 64 bits");
  unsigned bytes = getRawIntegerBytes(width);
  assert(out.size() == values.size() * bytes && "one element per value");
  // Bits above `width` are zero in the storage, as APInt writes them.
  uint64_t mask = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  if (bytes * 8 == width) {
    // Whole words (little-endian, as the attribute stores them on this
    // host): the value's low bytes are the element.
    switch (bytes) {
    case 1:
      return encodeWords<uint8_t>(values, out.data());
    case 2:
      return encodeWords<uint16_t>(values, out.data());
    case 4:
      return encodeWords<uint32_t>(values, out.data());
    case 8:
      return encodeWords<uint64_t>(values, out.data());
    default:
      break;
    }
  }
  for (auto [index, value] : llvm::enumerate(values)) {
    uint64_t bits = static_cast<uint64_t>(value) & mask;
    for (unsigned byte = 0; byte < bytes; ++byte)
      out[index * bytes + byte] = static_cast<char>(bits >> (8 * byte));
  }
}

DenseIntElementsAttr mlir::qfhe::getRawIntegers(ShapedType type,
                                                ArrayRef<int64_t> values) {
  unsigned width = type.getElementTypeBitWidth();
  assert(width >= 1 && width <= 64 && "integers of 1 to 64 bits");
  assert(static_cast<int64_t>(values.size()) == type.getNumElements() &&
         "one value per element");
  if (width == 1) {
    SmallVector<APInt> bits;
    bits.reserve(values.size());
    for (int64_t value : values)
      bits.push_back(APInt(1, static_cast<uint64_t>(value) & 1));
    return cast<DenseIntElementsAttr>(DenseElementsAttr::get(type, bits));
  }
  std::vector<char> buffer(values.size() * getRawIntegerBytes(width));
  encodeRawIntegers(values, width, buffer);
  return cast<DenseIntElementsAttr>(
      DenseElementsAttr::getFromRawBuffer(type, buffer));
}
