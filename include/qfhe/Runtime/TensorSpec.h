//===- TensorSpec.h - how programs take and return tensors ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The memory layout of the tensors a compiled entry function takes and
// returns, and the exact conversion of .npy data into it.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_TENSORSPEC_H
#define QFHE_RUNTIME_TENSORSPEC_H

#include "qfhe/Runtime/HostArray.h"

#include "llvm/Support/Error.h"

#include <limits>

namespace mlir {
namespace qfhe {

/// How a program stores and interprets one element of a tensor.
struct ElementSpec {
  /// The dtype of one element in memory, and of the .npy files quant-run
  /// writes: int8 for `i7` and `i8`, uint8 for `ui8`, bool for `i1`...
  DType storage;
  /// The bits that carry the value (`i7`: 7 of the 8 bits of an int8).
  unsigned bitWidth;
  /// The element type as MLIR spells it, for messages.
  std::string name;
};

/// A dynamic dimension in a TensorSpec (the value of ShapedType::kDynamic).
constexpr int64_t kDynamicSize = std::numeric_limits<int64_t>::min();

/// A ranked tensor argument or result of an entry function.
struct TensorSpec {
  ElementSpec element;
  /// Sizes; kDynamicSize where the size is known only at run time.
  llvm::SmallVector<int64_t, 4> shape;
  /// The type as MLIR spells it (`tensor<?x64xf32>`), for messages.
  std::string typeName;
};

/// The signature of an entry function.
struct FunctionSpec {
  std::string name;
  llvm::SmallVector<TensorSpec> arguments;
  llvm::SmallVector<TensorSpec> results;
};

/// Converts the elements of `array` into `spec`'s storage, exactly: integer
/// data feeds float elements only when every value is representable (uint8
/// pixels into f32, for instance), integer and bool data feed integer
/// elements only when every value fits their bits, and float data feeds
/// float elements (float64 data into f32 rounds to nearest). Float data
/// never feeds integer elements. The error names the first offending value
/// and its index. Returns `array` itself when no conversion is needed.
llvm::Expected<HostArray> convertElements(HostArray array,
                                          const ElementSpec &spec);

/// Makes the bits of every element beyond `spec.bitWidth` a sign extension
/// (signed) or zeros (unsigned, bool), the canonical form of values a program
/// returns in narrow integer types such as `i7`.
void canonicalizeElements(HostArray &array, const ElementSpec &spec);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_TENSORSPEC_H
