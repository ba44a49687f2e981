//===- DTypeDispatch.h - call a template with a dtype's C++ type -*- C++
//-*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_RUNTIME_DTYPEDISPATCH_H
#define QFHE_LIB_RUNTIME_DTYPEDISPATCH_H

#include "qfhe/Runtime/HostArray.h"

#include "llvm/Support/ErrorHandling.h"

#include <cstdint>

namespace mlir {
namespace qfhe {

/// A value standing for the C++ type `T` in generic lambdas.
template <typename T> struct TypeTag {
  using type = T;
};

/// Calls `fn(TypeTag<T>{})` with `T` the C++ type of the elements of `dtype`
/// (bool is stored as one byte holding 0 or 1, read as uint8_t).
template <typename Fn> decltype(auto) dispatchDType(DType dtype, Fn &&fn) {
  switch (dtype) {
  case DType::Bool:
  case DType::UInt8:
    return fn(TypeTag<uint8_t>{});
  case DType::Int8:
    return fn(TypeTag<int8_t>{});
  case DType::Int16:
    return fn(TypeTag<int16_t>{});
  case DType::Int32:
    return fn(TypeTag<int32_t>{});
  case DType::Int64:
    return fn(TypeTag<int64_t>{});
  case DType::UInt16:
    return fn(TypeTag<uint16_t>{});
  case DType::UInt32:
    return fn(TypeTag<uint32_t>{});
  case DType::UInt64:
    return fn(TypeTag<uint64_t>{});
  case DType::Float32:
    return fn(TypeTag<float>{});
  case DType::Float64:
    return fn(TypeTag<double>{});
  }
  llvm_unreachable("unknown dtype");
}

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_DTYPEDISPATCH_H
