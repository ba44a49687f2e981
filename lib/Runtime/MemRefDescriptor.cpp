//===- MemRefDescriptor.cpp - memref descriptors of any rank --------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "MemRefDescriptor.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qfhe;

static_assert(sizeof(void *) == sizeof(int64_t) &&
                  sizeof(StridedMemRefType<float, 2>) ==
                      getDescriptorWords(2) * sizeof(int64_t),
              "descriptors are arrays of 64-bit words");

void mlir::qfhe::describeArray(const ArrayView &view, int64_t *words) {
  int64_t rank = view.shape.size();
  auto data = reinterpret_cast<int64_t>(view.data);
  words[0] = data;
  words[1] = data;
  words[2] = 0;
  int64_t stride = 1;
  for (int64_t dim = rank - 1; dim >= 0; --dim) {
    words[3 + dim] = view.shape[dim];
    words[3 + rank + dim] = stride;
    stride *= view.shape[dim];
  }
}

void *mlir::qfhe::getAllocatedPointer(const int64_t *words) {
  return reinterpret_cast<void *>(words[0]);
}

HostArray mlir::qfhe::copyMemRef(const int64_t *words, int64_t rank,
                                 DType dtype) {
  llvm::ArrayRef<int64_t> sizes(words + 3, rank);
  llvm::ArrayRef<int64_t> strides(words + 3 + rank, rank);
  HostArray array(dtype, sizes);
  size_t elementSize = getDTypeSize(dtype);
  const char *base =
      reinterpret_cast<const char *>(words[1]) + words[2] * elementSize;
  int64_t count = array.getNumElements();

  // Row-major and dense (sizes of 1 may have any stride): one copy.
  bool dense = true;
  for (int64_t dim = rank - 1, expected = 1; dim >= 0; --dim) {
    if (sizes[dim] != 1 && strides[dim] != expected)
      dense = false;
    expected *= sizes[dim];
  }
  if (dense) {
    if (count > 0)
      std::memcpy(array.getData(), base, count * elementSize);
    return array;
  }

  // Otherwise element by element, odometer style.
  llvm::SmallVector<int64_t, 4> index(rank, 0);
  char *out = array.getData();
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int64_t dim = 0; dim < rank; ++dim)
      offset += index[dim] * strides[dim];
    std::memcpy(out + i * elementSize, base + offset * elementSize,
                elementSize);
    for (int64_t dim = rank - 1; dim >= 0 && ++index[dim] == sizes[dim]; --dim)
      index[dim] = 0;
  }
  return array;
}
