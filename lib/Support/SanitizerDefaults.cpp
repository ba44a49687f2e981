//===- SanitizerDefaults.cpp - default options of sanitized executables ---===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// Compiled into every executable of a sanitized build (QFHE_SANITIZE, see
// cmake/QFHESanitizers.cmake); the sanitizer runtimes call these hooks at
// startup. ASAN_OPTIONS and UBSAN_OPTIONS in the environment still override
// them.
//
//===----------------------------------------------------------------------===//

extern "C" {

/// The MLIR and LLVM libraries from Debian are not instrumented: memory that
/// qfhe's instrumented copies of inline LLVM code (BumpPtrAllocator) poison
/// is then used by uninstrumented library code without being unpoisoned, a
/// false "use-after-poison" in DenseElementsAttr and StorageUniquer. Without
/// user poisoning ASan still sees every heap, stack and global error.
const char *__asan_default_options() { return "allow_user_poisoning=0"; }

/// Undefined behaviour stops the program (-fno-sanitize-recover): print
/// where it came from.
const char *__ubsan_default_options() { return "print_stacktrace=1"; }

} // extern "C"
