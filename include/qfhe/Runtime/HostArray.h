//===- HostArray.h - n-d arrays in host memory ------------------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The arrays quant-run reads from and writes to .npy files and passes to
// compiled programs: a dtype, a shape and the elements in C order.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_HOSTARRAY_H
#define QFHE_RUNTIME_HOSTARRAY_H

#include "qfhe/Support/ShapeFormat.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace qfhe {

/// Element types of host arrays: the NumPy dtypes quant-run reads and writes.
enum class DType {
  // In the order of the table in HostArray.cpp.
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Float32,
  Float64,
};

/// Size in bytes of one element.
size_t getDTypeSize(DType dtype);
/// Whether `dtype` is float32 or float64.
bool isFloatDType(DType dtype);
/// Whether `dtype` is a signed integer type.
bool isSignedDType(DType dtype);
/// NumPy's name of `dtype` ("float32", "uint8", "bool", ...).
llvm::StringRef getDTypeName(DType dtype);
/// NumPy's kind character of `dtype`: 'b' (bool), 'i', 'u' or 'f'.
char getDTypeKind(DType dtype);
/// The dtype of NumPy kind `kind` and `size` bytes, if there is one.
std::optional<DType> getDTypeOfKind(char kind, unsigned size);

/// Formats a number for messages, with up to 9 significant digits: `0.5`,
/// `16777217`, `-1.5e-07`.
std::string formatNumber(double value);

/// Number of elements of an array of this shape (1 for rank 0).
int64_t getNumElements(llvm::ArrayRef<int64_t> shape);

/// A non-owning view of a C-order array.
struct ArrayView {
  DType dtype;
  llvm::SmallVector<int64_t, 4> shape;
  const char *data;
};

/// A dense array in host memory, elements in C (row-major) order.
class HostArray {
public:
  HostArray() = default;
  /// An array of `shape` whose elements are all zero.
  HostArray(DType dtype, llvm::ArrayRef<int64_t> shape);

  DType getDType() const { return dtype; }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return shape.size(); }
  int64_t getNumElements() const { return qfhe::getNumElements(shape); }
  size_t getSizeInBytes() const { return bytes.size(); }
  char *getData() { return bytes.data(); }
  const char *getData() const { return bytes.data(); }

  /// Element `index` (in C order) converted to double.
  double getAsDouble(int64_t index) const;
  /// Element `index` as an integer; std::nullopt when it is a float that is
  /// not integral or a value outside the range of int64_t.
  std::optional<int64_t> getAsInteger(int64_t index) const;

  /// Rows `[begin, begin + count)` along the leading dimension, without a
  /// copy. The array has rank 1 or more.
  ArrayView getRows(int64_t begin, int64_t count) const;
  /// The whole array, without a copy.
  ArrayView getView() const;

private:
  DType dtype = DType::Float32;
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<char> bytes;
};

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_HOSTARRAY_H
