//===- RawIntegers.h - integer constants read and built in bulk -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Integer constants of up to 64 bits, read from and written to the raw
// storage of a DenseIntElementsAttr (elements of w > 1 bits in ceil(w / 8)
// little-endian bytes) instead of one APInt per element: lookup tables hold
// up to 2^24 entries, and the lowering, the op verifier and the bit-width
// verifier read every one.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_DIALECT_QFHE_IR_RAWINTEGERS_H
#define QFHE_DIALECT_QFHE_IR_RAWINTEGERS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallVector.h"

#include <cstring>
#include <utility>

namespace mlir {
namespace qfhe {

/// The elements of a dense integer attribute as int64_t, read as its element
/// type reads them (zero-extended if unsigned, else sign-extended), straight
/// from its raw storage. Valid while the attribute lives.
class RawIntegers {
public:
  /// A reader of `attr`. Elements of 2 to 64 bits (unsigned: to 63) are read
  /// raw; others are decoded through APInt up front, and must then fit
  /// int64_t.
  explicit RawIntegers(DenseIntElementsAttr attr);

  /// Element `index` of the flattened attribute.
  int64_t operator[](int64_t index) const {
    if (!decoded.empty())
      return decoded[splat ? 0 : index];
    const char *element =
        raw.data() + (splat ? 0 : index * static_cast<int64_t>(bytes));
    // Whole words load at once; other sizes byte by byte (little-endian,
    // as the attribute stores them on this host).
    switch (bytes) {
    case 1:
      return extend(static_cast<unsigned char>(*element));
    case 2:
      return extend(load<uint16_t>(element));
    case 4:
      return extend(load<uint32_t>(element));
    case 8:
      return extend(load<uint64_t>(element));
    default: {
      uint64_t bits = 0;
      for (unsigned byte = 0; byte < bytes; ++byte)
        bits |= static_cast<uint64_t>(static_cast<unsigned char>(element[byte]))
                << (8 * byte);
      return extend(bits);
    }
    }
  }

  int64_t size() const { return numElements; }

  /// The least and the greatest of elements [begin, end) (begin < end), in
  /// one pass with the element size known outside the loop.
  std::pair<int64_t, int64_t> getMinMax(int64_t begin, int64_t end) const;

private:
  template <typename Word>
  std::pair<int64_t, int64_t> getMinMaxOf(int64_t begin, int64_t end) const;

  template <typename Word> static uint64_t load(const char *element) {
    Word word;
    std::memcpy(&word, element, sizeof(Word));
    return word;
  }
  int64_t extend(uint64_t bits) const {
    if (width < 64)
      bits &= (uint64_t(1) << width) - 1;
    if (isUnsigned || width == 64)
      return static_cast<int64_t>(bits);
    uint64_t sign = uint64_t(1) << (width - 1);
    return static_cast<int64_t>((bits ^ sign) - sign);
  }

  ArrayRef<char> raw;
  int64_t numElements = 0;
  unsigned width = 0;
  unsigned bytes = 0;
  bool isUnsigned = false;
  bool splat = false;
  /// i1 elements (their packing is the attribute's business) and elements
  /// wider than 64 bits, decoded through APInt when the reader is built:
  /// build one reader per attribute, not one per row (a table of 1-bit
  /// entries can be large).
  SmallVector<int64_t> decoded;
};

/// Every element of `attr` (see RawIntegers).
SmallVector<int64_t> readRawIntegers(DenseIntElementsAttr attr);

/// The bytes one element of `width` bits (2 to 64) takes in the raw storage
/// of a dense attribute.
inline unsigned getRawIntegerBytes(unsigned width) { return (width + 7) / 8; }

/// Writes `values` as elements of `width` bits (2 to 64) into `out`, which
/// holds getRawIntegerBytes(width) bytes per value: the raw storage of a
/// dense attribute, or a slice of it (tables are written row by row, rows
/// in parallel, then DenseElementsAttr::getFromRawBuffer builds the
/// attribute from the whole buffer). Each value fits the element type.
void encodeRawIntegers(ArrayRef<int64_t> values, unsigned width,
                       MutableArrayRef<char> out);

/// A dense attribute of `type` (integer elements of 1 to 64 bits) holding
/// `values`, each of which fits the element type (signed or unsigned: only
/// its low bits are stored); built in one raw buffer (1-bit elements, which
/// the attribute packs, through APInt), and the same attribute
/// DenseIntElementsAttr::get builds from APInts (a splat when every value
/// is equal).
DenseIntElementsAttr getRawIntegers(ShapedType type, ArrayRef<int64_t> values);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_DIALECT_QFHE_IR_RAWINTEGERS_H
