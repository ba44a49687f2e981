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
#include <type_traits>

using namespace mlir;
using namespace mlir::qfhe;

size_t mlir::qfhe::getDTypeSize(DType dtype) {
  return dispatchDType(
      dtype, [](auto tag) { return sizeof(typename decltype(tag)::type); });
}

bool mlir::qfhe::isFloatDType(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64;
}

bool mlir::qfhe::isSignedDType(DType dtype) {
  return dtype == DType::Int8 || dtype == DType::Int16 ||
         dtype == DType::Int32 || dtype == DType::Int64;
}

llvm::StringRef mlir::qfhe::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::Bool:
    return "bool";
  case DType::Int8:
    return "int8";
  case DType::Int16:
    return "int16";
  case DType::Int32:
    return "int32";
  case DType::Int64:
    return "int64";
  case DType::UInt8:
    return "uint8";
  case DType::UInt16:
    return "uint16";
  case DType::UInt32:
    return "uint32";
  case DType::UInt64:
    return "uint64";
  case DType::Float32:
    return "float32";
  case DType::Float64:
    return "float64";
  }
  llvm_unreachable("unknown dtype");
}

std::string mlir::qfhe::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

std::string mlir::qfhe::formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.9g", value);
  return text;
}

std::string mlir::qfhe::formatIndex(llvm::ArrayRef<int64_t> shape,
                                    int64_t flatIndex) {
  llvm::SmallVector<int64_t, 4> index(shape.size());
  for (size_t dim = shape.size(); dim-- > 0;) {
    index[dim] = flatIndex % shape[dim];
    flatIndex /= shape[dim];
  }
  return formatShape(index);
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
