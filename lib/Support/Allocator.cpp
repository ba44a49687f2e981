//===- Allocator.cpp - the C allocator's policy for large buffers ---------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Allocator.h"

#include <cstdlib> // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void mlir::qfhe::keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  // 32 MiB is the largest mapping threshold glibc accepts on 64-bit
  // systems (half its largest heap); setting either value also stops glibc
  // from moving the threshold itself.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}
