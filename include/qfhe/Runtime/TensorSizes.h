//===- TensorSizes.h - refuse programs too large to run ---------*- C++ -*-===//
//
// Part of qfhe, a quantization compiler for fully homomorphic encryption.
//
//===----------------------------------------------------------------------===//
//
// A program whose tensors cannot be allocated must fail with an error that
// names the tensor, before it runs: the compiled code would call malloc for
// them and use the null result. JitProgram measures the largest tensor of
// a program when it compiles it and checks it against the machine's memory
// on every call.
//
//===----------------------------------------------------------------------===//

#ifndef QFHE_RUNTIME_TENSORSIZES_H
#define QFHE_RUNTIME_TENSORSIZES_H

#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class Operation;

namespace qfhe {

/// The largest tensors a function computes: one of fixed size, one whose
/// size grows with the number of samples per call (a dynamic dimension).
class LargestTensors {
public:
  /// Measures every ranked tensor value (arguments and op results) of the
  /// ops nested in `root`. A tensor's first dynamic dimension counts the
  /// samples; its other dynamic dimensions count as 1.
  static LargestTensors measure(Operation *root);

  /// Bytes of the largest tensor with `samples` samples per call.
  double getBytes(int64_t samples) const;

  /// Fails when the largest tensor with `samples` per call needs more bytes
  /// than `available`, naming it: "the result of 'linalg.matmul' at LOC
  /// (tensor<...>) needs 16 TB for 256 samples per call; this machine has
  /// 24 GB of memory".
  llvm::Error checkFits(int64_t samples, double available) const;

private:
  struct Tensor {
    double bytes = 0;
    std::string description;
  };
  Tensor fixed, perSample;
};

/// The machine's physical memory in bytes.
double getPhysicalMemoryBytes();

} // namespace qfhe
} // namespace mlir

#endif // QFHE_RUNTIME_TENSORSIZES_H
