//===- MemRefDescriptor.h - memref descriptors of any rank ------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// The C interface of a lowered function passes each memref as a pointer to a
// descriptor laid out as StridedMemRefType<T, N>: allocated pointer, aligned
// pointer, offset, N sizes, N strides. The rank of quant-run's tensors is
// known only at run time, so descriptors are handled here as arrays of
// 64-bit words with that layout.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_LIB_RUNTIME_MEMREFDESCRIPTOR_H
#define QFHE_LIB_RUNTIME_MEMREFDESCRIPTOR_H

#include "qfhe/Runtime/HostArray.h"

#include <cstdint>

namespace mlir {
namespace qfhe {

/// Number of 64-bit words of the descriptor of a memref of rank `rank`.
constexpr size_t getDescriptorWords(int64_t rank) { return 3 + 2 * rank; }

/// Writes into `words` the descriptor of the C-order array `view`. The
/// program only reads the array: the descriptor's pointers are not const.
void describeArray(const ArrayView &view, int64_t *words);

/// The allocated pointer of the descriptor at `words`: what the program got
/// from malloc for a result, and the caller frees.
void *getAllocatedPointer(const int64_t *words);

/// Copies the elements of the memref of rank `rank` described at `words`
/// into a new C-order array of `dtype`.
HostArray copyMemRef(const int64_t *words, int64_t rank, DType dtype);

} // namespace qfhe
} // namespace mlir

#endif // QFHE_LIB_RUNTIME_MEMREFDESCRIPTOR_H
