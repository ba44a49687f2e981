//===- AllocatorTest.cpp - tests of the allocator policy ------------------===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//

#include "qfhe/Support/Allocator.h"

#include "gtest/gtest.h"

#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

// Sanitizers replace malloc: the policy is glibc's.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||     \
    __has_feature(thread_sanitizer)
#define QFHE_SANITIZED_MALLOC 1
#endif
#endif

#if defined(__GLIBC__) && !defined(QFHE_SANITIZED_MALLOC)
TEST(Allocator, LargeBlocksComeFromTheHeap) {
  // Blocks of 16 MiB (above glibc's default mapping threshold of 128 KiB,
  // which it raises only after a mapped block is freed) come from the heap
  // and, freed, stay in it for the next.
  mlir::qfhe::keepFreedMemoryForReuse();
  size_t mappedBefore = mallinfo2().hblkhd;
  void *block = std::malloc(16 << 20);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(mallinfo2().hblkhd, mappedBefore);
  size_t heapWithBlock = mallinfo2().arena;
  std::free(block);
  EXPECT_EQ(mallinfo2().arena, heapWithBlock);
}
#endif

} // namespace
