//===- Allocator.h - the C allocator's policy for large buffers -*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A compile of a large model allocates and frees buffers of megabytes many
// times over (a layer's weights as doubles, their integers, the verifier's
// constants). glibc maps such blocks afresh (mmap) and returns freed memory
// at the top of the heap to the system, so each one is page-faulted and
// zeroed again: on a 16.8M-parameter MLP about a tenth of the CPU time was
// the kernel's. Tools set a policy that keeps freed memory for reuse.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_SUPPORT_ALLOCATOR_H
#define QFHE_SUPPORT_ALLOCATOR_H

namespace mlir {
namespace qfhe {

/// Makes the C allocator serve blocks up to 32 MiB from its heap (not from
/// a fresh mapping each) and keep up to 256 MiB of freed memory at the top
/// of its heap instead of returning it to the system. Peak memory is that
/// of the blocks in use at once; only the memory returned between peaks
/// changes. Does nothing outside glibc. Call at the start of a tool's main.
void keepFreedMemoryForReuse();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_SUPPORT_ALLOCATOR_H
