//===- HostArray.cpp - n-d arrays in host memory --------------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Runtime/HostArray.h"
#include "DTypeDispatch.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <iterator>
#include <type_traits>

using namespace mlir;
using namespace mlir::qfhe;

namespace {

/// NumPy's name, kind character and size of each dtype.
struct DTypeInfo {
  DType dtype;
  const char *name;
  char kind;
  unsigned size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::Bool, "bool", 'b', 1},       {DType::Int8, "int8", 'i', 1},
    {DType::Int16, "int16", 'i', 2},     {DType::Int32, "int32", 'i', 4},
    {DType::Int64, "int64", 'i', 8},     {DType::UInt8, "uint8", 'u', 1},
    {DType::UInt16, "uint16", 'u', 2},   {DType::UInt32, "uint32", 'u', 4},
    {DType::UInt64, "uint64", 'u', 8},   {DType::Float32, "float32", 'f', 4},
    {DType::Float64, "float64", 'f', 8},
};

constexpr bool isIndexedByDType() {
  for (size_t i = 0; i < std::size(kDTypes); ++i)
    if (kDTypes[i].dtype != static_cast<DType>(i))
      return false;
  return true;
}
static_assert(isIndexedByDType(), "kDTypes lists the dtypes in enum order");

const DTypeInfo &getInfo(DType dtype) {
  return kDTypes[static_cast<size_t>(dtype)];
}

} // namespace

size_t mlir::qfhe::getDTypeSize(DType dtype) { return getInfo(dtype).size; }

bool mlir::qfhe::isFloatDType(DType dtype) {
  return getInfo(dtype).kind == 'f';
}

bool mlir::qfhe::isSignedDType(DType dtype) {
  return getInfo(dtype).kind == 'i';
}

llvm::StringRef mlir::qfhe::getDTypeName(DType dtype) {
  return getInfo(dtype).name;
}

char mlir::qfhe::getDTypeKind(DType dtype) { return getInfo(dtype).kind; }

std::optional<DType> mlir::qfhe::getDTypeOfKind(char kind, unsigned size) {
  for (const DTypeInfo &info : kDTypes)
    if (info.kind == kind && info.size == size)
      return info.dtype;
  return std::nullopt;
}

std::string mlir::qfhe::formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.9g", value);
  return text;
}

int64_t mlir::qfhe::getNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

HostArray::HostArray(DType dtype, llvm::ArrayRef<int64_t> shape)
    : dtype(dtype), shape(shape),
      bytes(qfhe::getNumElements(shape) * getDTypeSize(dtype)) {}

double HostArray::getAsDouble(int64_t index) const {
  return dispatchDType(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T value;
    std::memcpy(&value, bytes.data() + index * sizeof(T), sizeof(T));
    return static_cast<double>(value);
  });
}

std::optional<int64_t> HostArray::getAsInteger(int64_t index) const {
  return dispatchDType(dtype, [&](auto tag) -> std::optional<int64_t> {
    using T = typename decltype(tag)::type;
    T value;
    std::memcpy(&value, bytes.data() + index * sizeof(T), sizeof(T));
    if constexpr (std::is_floating_point_v<T>) {
      // 2^63 is exact in both float types; the range check comes first so
      // that the cast is defined.
      if (!(value >= T(-0x1p63) && value < T(0x1p63)) ||
          std::trunc(value) != value)
        return std::nullopt;
    } else if constexpr (std::is_same_v<T, uint64_t>) {
      if (value > static_cast<uint64_t>(INT64_MAX))
        return std::nullopt;
    }
    return static_cast<int64_t>(value);
  });
}

ArrayView HostArray::getRows(int64_t begin, int64_t count) const {
  assert(!shape.empty() && begin >= 0 && begin + count <= shape.front() &&
         "rows out of range");
  ArrayView view{dtype, shape, bytes.data()};
  view.shape.front() = count;
  int64_t rowBytes = (shape.front() == 0 ? 0 : bytes.size() / shape.front());
  view.data += begin * rowBytes;
  return view;
}

ArrayView HostArray::getView() const { return {dtype, shape, bytes.data()}; }
